using System.Net;
using System.Text.Json;
using EStore.Platform.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Stripe;

namespace EStore.PaymentSandbox.Tests;

/// <summary>Who may call the sandbox, its settings, and what it never shows: card numbers and CVCs.</summary>
public sealed class AccessTests
{
    [Fact]
    public async Task Wrong_key_is_a_401_invalid_request_error_that_does_not_echo_the_key()
    {
        await using var sandbox = await SandboxClient.StartAsync();
        var intruder = new CustomerService(SandboxClient.For(sandbox.Provider, "sk_test_guessed_key_123"));

        var error = await Assert.ThrowsAsync<StripeException>(() => intruder.CreateAsync(new CustomerCreateOptions { Email = "x@estore.example" }));

        Assert.Equal(HttpStatusCode.Unauthorized, error.HttpStatusCode);
        Assert.Equal("invalid_request_error", error.StripeError.Type);
        Assert.DoesNotContain("guessed", error.StripeError.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("v1/payment_intents?limit=1")]
    [InlineData("sandbox/charges")]
    [InlineData("v1/customers/cus_any")]
    public async Task Every_route_needs_the_key(string path)
    {
        await using var sandbox = await SandboxClient.StartAsync();
        using var http = new HttpClient { BaseAddress = sandbox.Provider.BaseUrl };

        using var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
    }

    [Theory]
    [InlineData(new[] { "--Urls=http://127.0.0.1:0" }, "Sandbox:ApiKey")]
    [InlineData(new[] { "--Urls=http://127.0.0.1:0", "--Sandbox:ApiKey=sk_test_12345678", "--Sandbox:WebhookUrl=http://127.0.0.1:1/hooks" }, "Sandbox:WebhookSecret")]
    [InlineData(new[] { "--Urls=http://127.0.0.1:0", "--Sandbox:ApiKey=sk_test_12345678", "--Sandbox:WebhookUrl=not-a-url", "--Sandbox:WebhookSecret=whsec_x" }, "Sandbox:WebhookUrl")]
    [InlineData(new[] { "--Urls=http://127.0.0.1:0", "--Sandbox:ApiKey=sk_test_12345678", "--Sandbox:SettleDelayMs=-1" }, "Sandbox:SettleDelayMs")]
    public async Task Bad_setting_stops_the_start_with_one_line_naming_its_key(string[] args, string key)
    {
        await using var app = PaymentSandboxApp.Build(args);

        var error = await Assert.ThrowsAsync<StartupConfigurationException>(() => PaymentSandboxApp.StartAsync(app));

        Assert.Equal(key, error.Key);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Listening_address_that_is_not_an_http_url_stops_the_start_naming_Urls()
    {
        var error = Assert.Throws<StartupConfigurationException>(() => PaymentSandboxApp.Build(["--Urls=tcp://127.0.0.1:1", "--Sandbox:ApiKey=sk_test_12345678"]));

        Assert.Equal("Urls", error.Key);
    }

    [Fact]
    public async Task Card_number_and_cvc_appear_in_no_answer_and_no_log_line()
    {
        var logs = new LogLines();
        await using var app = PaymentSandboxApp.Build(["--Urls=http://127.0.0.1:0", "--Sandbox:ApiKey=sk_test_12345678"],
            services => services.AddSingleton<ILoggerProvider>(logs));
        var baseUrl = await PaymentSandboxApp.StartAsync(app);
        var stripe = new StripeClient("sk_test_12345678", apiBase: baseUrl.ToString().TrimEnd('/'));
        const string number = "4000000000009995";
        const string cvc = "7391";

        var card = await new PaymentMethodService(stripe).CreateAsync(new PaymentMethodCreateOptions
        {
            Type = "card",
            Card = new PaymentMethodCardOptions { Number = number, ExpMonth = 7, ExpYear = DateTime.UtcNow.Year + 2, Cvc = cvc },
        });
        var declined = await Assert.ThrowsAsync<StripeException>(() => new PaymentIntentService(stripe).CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 1000,
            Currency = "usd",
            PaymentMethod = card.Id,
            Confirm = true,
        }));
        var read = await new PaymentMethodService(stripe).GetAsync(card.Id);

        var answers = new[] { card.StripeResponse.Content, declined.StripeError.StripeResponse?.Content ?? declined.Message, read.StripeResponse.Content };
        Assert.Equal("9995", read.Card.Last4);
        Assert.All(answers, a => Assert.DoesNotContain(number, a, StringComparison.Ordinal));
        Assert.All(answers, a => Assert.DoesNotContain(cvc, a, StringComparison.Ordinal));
        Assert.NotEmpty(logs.Lines);
        Assert.All(logs.Lines, l => Assert.DoesNotContain(number, l, StringComparison.Ordinal));
        Assert.All(logs.Lines, l => Assert.DoesNotContain(cvc, l, StringComparison.Ordinal));
    }

    private sealed class LogLines : ILoggerProvider
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(LogLines sink, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                sink.Lines.Enqueue($"{category}: {formatter(state, exception)} {exception}");
        }
    }
}
