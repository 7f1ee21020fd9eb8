namespace EStore.PaymentSandbox;

/// <summary>
/// EStore.PaymentSandbox: a local, in-memory stand-in for Stripe's HTTP API (the subset payment-service uses), with
/// Stripe's test cards and signed webhooks; see README.md beside this file. Not top-level statements: their global
/// <c>Program</c> would clash with the services' own in test projects that reference both.
/// </summary>
internal static class Program
{
    public static Task<int> Main(string[] args) => PaymentSandboxApp.RunAsync(args);
}
