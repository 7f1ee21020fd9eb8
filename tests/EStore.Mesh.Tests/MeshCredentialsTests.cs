namespace EStore.Mesh.Tests;

public sealed class MeshCredentialsTests
{
    [Fact]
    public void Every_app_and_reserved_principal_gets_its_own_random_secret_new_each_run()
    {
        var run = new MeshCredentials();
        var next = new MeshCredentials();

        Assert.All(ServiceCatalog.AppNames.Append("admin").Append("discovery"), p => Assert.Equal(64, run.GetSecret(p).Length));
        Assert.Equal(run.Secrets.Count, run.Secrets.Values.Distinct().Count());
        Assert.NotEqual(run.GetSecret("identity-service"), next.GetSecret("identity-service"));
        Assert.Contains(run.DiscoveryEnvironment(), kv => kv.Key == "Discovery__Security__Apps__identity-service" && kv.Value == run.GetSecret("identity-service"));
    }

    [Fact]
    public void A_service_url_carries_the_apps_credential_as_userinfo()
    {
        var credentials = new MeshCredentials();

        var url = new Uri(credentials.ServiceUrlFor("product-service", "http://127.0.0.1:8761/eureka/"));

        Assert.Equal($"product-service:{credentials.GetSecret("product-service")}", url.UserInfo);
        Assert.Equal("/eureka/", url.AbsolutePath);
    }

    [Fact]
    public void The_credentials_file_is_readable_by_its_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        var credentials = new MeshCredentials();
        var path = Path.Combine(Path.GetTempPath(), $"estore-credentials-{Guid.NewGuid():N}.txt");
        try
        {
            File.WriteAllText(path, "left by an earlier run");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

            credentials.WriteFile(path);

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Contains($"admin={credentials.GetSecret("admin")}", File.ReadAllLines(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
