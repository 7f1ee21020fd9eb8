using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EStore.Mesh;

/// <summary>
/// The discovery server's credentials for one mesh run: a fresh random secret per app of the
/// catalog, plus the reserved principals <c>discovery</c> (peer replication) and <c>admin</c>
/// (operators). Nothing is reused across runs, so a secret seen in one run's environment is
/// worthless in the next.
/// </summary>
public sealed class MeshCredentials
{
    /// <summary>The operators' principal (status overrides, deletes and metadata on any app).</summary>
    public const string AdminPrincipal = "admin";

    /// <summary>The principal discovery peers replicate with.</summary>
    public const string PeerPrincipal = "discovery";

    /// <summary>Name of the file, in the run's data folder, that holds the credentials for outside clients.</summary>
    public const string FileName = "discovery-credentials.txt";

    private readonly Dictionary<string, string> _secrets = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Generates a secret (256 random bits, hex) for every app of the catalog and the reserved principals.</summary>
    public MeshCredentials()
    {
        foreach (var principal in ServiceCatalog.AppNames.Append(AdminPrincipal).Append(PeerPrincipal))
        {
            _secrets[principal] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        }
    }

    /// <summary>Every principal with its secret.</summary>
    public IReadOnlyDictionary<string, string> Secrets => _secrets;

    /// <summary>The secret of an app or reserved principal.</summary>
    /// <exception cref="ArgumentException">No such principal.</exception>
    public string GetSecret(string principal) =>
        _secrets.TryGetValue(principal, out var secret) ? secret : throw new ArgumentException($"no discovery credential for '{principal}'", nameof(principal));

    /// <summary>The Basic <c>Authorization</c> header value (<c>Basic base64(principal:secret)</c>) for a principal.</summary>
    public string GetAuthorizationHeader(string principal) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(principal.ToLowerInvariant() + ":" + GetSecret(principal)));

    /// <summary>A Eureka service URL with the principal's credential as userinfo (Spring Cloud's form).</summary>
    public string ServiceUrlFor(string principal, string eurekaServiceUrl) =>
        new UriBuilder(eurekaServiceUrl) { UserName = principal.ToLowerInvariant(), Password = GetSecret(principal) }.Uri.ToString();

    /// <summary>The discovery server's settings: <c>Discovery__Security__Apps__{principal}</c> for every principal.</summary>
    public IEnumerable<KeyValuePair<string, string>> DiscoveryEnvironment() =>
        _secrets.Select(s => KeyValuePair.Create($"Discovery__Security__Apps__{s.Key}", s.Value));

    /// <summary>
    /// Writes <c>principal=secret</c> lines to <paramref name="path"/>, readable by the owner only
    /// (0600, set at creation so the secrets are never world-readable, not even briefly).
    /// </summary>
    public void WriteFile(string path)
    {
        var text = new StringBuilder()
            .AppendLine("# EStore discovery credentials for this run only (HTTP Basic: user = app name).")
            .AppendLine("# Eureka client URL: http://<app>:<secret>@127.0.0.1:<discovery port>/eureka/")
            .AppendJoin("", _secrets.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Key}={s.Value}\n")))
            .ToString();
        WriteOwnerOnly(path, text);
    }

    /// <summary>Writes <paramref name="text"/> to a file readable by its owner only (0600 from creation on).</summary>
    internal static void WriteOwnerOnly(string path, string text)
    {
        // A file left by an earlier run keeps its mode when overwritten; a new one gets 0600 at creation.
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(text);
        }
    }
}
