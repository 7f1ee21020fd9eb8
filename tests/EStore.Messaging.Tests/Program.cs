using EStore.Messaging.Tests.Infrastructure;
using EStore.ServiceDefaults;

namespace EStore.Messaging.Tests;

/// <summary>
/// <c>dotnet EStore.Messaging.Tests.dll serve</c> runs the ledger-service as a real process,
/// configured through environment variables, so tests can kill it with SIGKILL.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] != "serve")
        {
            await Console.Error.WriteLineAsync("usage: EStore.Messaging.Tests serve (configuration from the environment)");
            return 2;
        }
        var app = LedgerApp.Build(new Dictionary<string, string?>(), args[1..]);
        return await app.RunServiceAsync();
    }
}
