using System.Net;

namespace EStore.Mesh.Tests;

/// <summary>smtp4dev, the repository's dotnet tool, as the launcher runs it.</summary>
public sealed class MailServerTests
{
    [Fact]
    public async Task Mail_server_accepts_mail_over_SMTP_shows_it_in_its_inbox_keeps_its_database_in_the_data_directory_and_stops_on_SIGTERM()
    {
        var data = Path.Combine(Path.GetTempPath(), "estore-mail-test-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var ports = MeshMailPorts.Free();
            await using var server = await MeshMailServer.StartAsync(new MeshMailServerOptions { Layout = RepositoryLayout.Discover(), DataDirectory = data, Ports = ports })
                .WaitAsync(TimeSpan.FromSeconds(90));
            Assert.Equal(new DnsEndPoint("127.0.0.1", ports.Smtp), server.SmtpEndPoint);
            Assert.Equal(new Uri($"http://localhost:{ports.Web}/"), server.InboxUrl);

            var subject = "mesh mail " + Guid.NewGuid().ToString("N")[..8];
            await Smtp4devInbox.SendAsync("127.0.0.1", ports.Smtp, "orders@estore.example", "ada@estore.example", subject, "Your order is on its way.");
            var mail = await Smtp4devInbox.WaitForAsync(server.InboxUrl, subject);
            Assert.Equal("orders@estore.example", mail.GetProperty("from").GetString());
            Assert.Equal("ada@estore.example", mail.GetProperty("to")[0].GetString());
            Assert.True(File.Exists(Path.Combine(data, "smtp4dev", "smtp4dev.db")), "its database under the data directory");

            // SIGTERM ends it (no wrapper process in between to leave it behind), and its ports are free again.
            Assert.Equal(0, await server.Process.StopAsync(TimeSpan.FromSeconds(15)));
            Assert.False(Directory.Exists($"/proc/{server.Process.Pid}"), "smtp4dev still running after SIGTERM");
            using var probe = new System.Net.Sockets.TcpClient();
            await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => probe.ConnectAsync(IPAddress.Loopback, ports.Smtp));
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    [Fact]
    public async Task An_SMTP_server_already_on_the_port_is_used_with_fixed_ports_and_smtp4dev_starts_otherwise()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        try
        {
            var fixedPorts = new MeshHostOptions { Ports = MeshPortMode.Fixed };
            Assert.Equal(new DnsEndPoint("127.0.0.1", port), await MeshMailServer.ChooseAsync(fixedPorts, port));
            Assert.Equal(new DnsEndPoint("127.0.0.1", port), fixedPorts.SmtpServer);
            Assert.False(fixedPorts.StartMailServer);

            // Free ports keep the mesh to itself: its own smtp4dev, whatever listens on the usual port.
            var freePorts = new MeshHostOptions { Ports = MeshPortMode.Auto };
            Assert.Null(await MeshMailServer.ChooseAsync(freePorts, port));
            Assert.True(freePorts.StartMailServer);
            Assert.Null(freePorts.SmtpServer);
        }
        finally
        {
            listener.Stop();
        }

        var nothingThere = new MeshHostOptions { Ports = MeshPortMode.Fixed };
        Assert.Null(await MeshMailServer.ChooseAsync(nothingThere, port));
        Assert.True(nothingThere.StartMailServer);
    }

    [Fact]
    public void Only_notification_service_is_pointed_at_the_mesh_SMTP_server_over_plain_SMTP()
    {
        var smtp = new DnsEndPoint("127.0.0.1", 1025);

        Assert.Equal(
            new Dictionary<string, string> { ["Smtp__Host"] = "127.0.0.1", ["Smtp__Port"] = "1025", ["Smtp__Security"] = "None" },
            MeshHost.SmtpEnvironment("notification-service", smtp));
        Assert.Empty(MeshHost.SmtpEnvironment("identity-service", smtp));
        Assert.Empty(MeshHost.SmtpEnvironment("notification-service", null));
    }

    [Fact]
    public void The_tool_manifest_pins_smtp4dev_and_its_restored_entry_assembly_is_found()
    {
        var layout = RepositoryLayout.Discover();
        Assert.Equal("3.15.0", MeshMailServer.ManifestVersion(layout));
        var dll = MeshMailServer.FindEntryAssembly(layout);
        Assert.NotNull(dll);
        Assert.Contains($"{Path.DirectorySeparatorChar}3.15.0{Path.DirectorySeparatorChar}", dll, StringComparison.Ordinal);
        Assert.Null(MeshMailServer.FindEntryAssembly(new RepositoryLayout(Path.GetTempPath())));
    }
}
