using System.Buffers.Binary;
using System.Diagnostics;
using EStore.Platform.Security;
using EStore.ServiceDefaults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

// Two modes:
//   pbkdf2 [count]   measures PasswordHasher<T> (the one identity-service uses, default options)
//   (default)        serves GET /bench/open and GET /bench/secure (AddServiceAuthentication)
if (args.Length > 0 && args[0] == "pbkdf2")
{
    var count = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 40;
    MeasurePbkdf2(count);
    return 0;
}

var builder = ServiceHost.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceAuthentication();
var app = builder.Build();
app.MapServiceDefaults();
app.MapGet("/bench/open", () => Results.Ok(new { ok = true }));
app.MapGet("/bench/secure", (CurrentUser user) => Results.Ok(new { ok = true, user = user.Id })).RequireAuthorization();
return await app.RunServiceAsync();

static void MeasurePbkdf2(int count)
{
    var options = new PasswordHasherOptions();
    var hasher = new PasswordHasher<object>(Options.Create(options));
    var user = new object();
    var hash = hasher.HashPassword(user, "correct horse battery staple");
    // Format V3: 0x01, PRF (uint32 BE), iteration count (uint32 BE), salt length, salt, subkey.
    var bytes = Convert.FromBase64String(hash);
    var prf = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1)) switch
    {
        0 => "HMAC-SHA1",
        1 => "HMAC-SHA256",
        2 => "HMAC-SHA512",
        var other => $"PRF {other}",
    };
    var iterations = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5));
    hasher.VerifyHashedPassword(user, hash, "warm-up");
    var verify = new List<double>();
    var create = new List<double>();
    for (var i = 0; i < count; i++)
    {
        var watch = Stopwatch.StartNew();
        hasher.VerifyHashedPassword(user, hash, "correct horse battery staple");
        verify.Add(watch.Elapsed.TotalMilliseconds);
        watch.Restart();
        hasher.HashPassword(user, "correct horse battery staple");
        create.Add(watch.Elapsed.TotalMilliseconds);
    }
    verify.Sort();
    create.Sort();
    Console.WriteLine($"format=V3 prf={prf} iterations={iterations} salt_bytes={BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(9))} hash_length={bytes.Length}");
    Console.WriteLine($"verify_median_ms={verify[count / 2]:F1} verify_p90_ms={verify[count * 9 / 10]:F1} hash_median_ms={create[count / 2]:F1} samples={count}");
}
