using System.Net;
using EStore.Mesh;

namespace EStore.EndToEnd.Tests;

/// <summary>How a service process behaves under its supervisor.</summary>
public sealed class ProcessLifecycleTests
{
    [Fact]
    public async Task Service_stops_cleanly_when_its_supervisor_goes_away()
    {
        var dll = RepositoryLayout.Discover().FindDll("EStore.Product") ?? throw new InvalidOperationException("EStore.Product is not built");
        var data = Path.Combine(Path.GetTempPath(), "estore-lifecycle-" + Guid.NewGuid().ToString("N")[..8]);
        var announce = Path.Combine(data, "url");
        Directory.CreateDirectory(data);
        try
        {
            var start = ManagedProcessStartInfo.ForDotnet("product-service", dll);
            start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
            start.Environment["Mesh__AnnounceFile"] = announce;
            start.Environment["Mesh__ExitOnStdinClose"] = "true";
            start.Environment["ConnectionStrings__Default"] = $"Data Source={Path.Combine(data, "product.db")}";
            start.Environment["Eureka__Client__ShouldRegisterWithEureka"] = "false";
            start.Environment["Eureka__Client__ShouldFetchRegistry"] = "false";
            // A broker outage does not stop a service; this test needs none.
            start.Environment["Kafka__BootstrapServers"] = "127.0.0.1:1";
            // Required at start: product-service seals supplier feeds' credentials with it.
            start.Environment["Feeds__CredentialKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            await using var process = ManagedProcess.Start(start);
            var url = await WaitForFileAsync(announce, process);
            using (var client = new HttpClient { BaseAddress = new Uri(url) })
            {
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/actuator/health")).StatusCode);
            }

            // What happens when the launcher is SIGKILLed: its end of the pipe closes.
            process.CloseStandardInput();

            Assert.Equal(0, await process.Exited.WaitAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<string> WaitForFileAsync(string path, ManagedProcess process)
    {
        await Eventually.TrueAsync(
            () =>
            {
                Assert.False(process.HasExited, string.Join('\n', process.GetRecentLines()));
                return File.Exists(path);
            },
            "the service to announce its address", TimeSpan.FromSeconds(60));
        return await File.ReadAllTextAsync(path);
    }
}
