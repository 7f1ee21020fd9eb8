// EStore.PaymentSandbox: a local, in-memory stand-in for Stripe's HTTP API (the subset payment-service uses), with
// Stripe's test cards and signed webhooks. See README.md beside this file.
return await EStore.PaymentSandbox.PaymentSandboxApp.RunAsync(args);
