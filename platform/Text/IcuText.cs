using System.Runtime.InteropServices;

namespace EStore.Platform.Text;

/// <summary>
/// NFKC and the TS #39 confusable skeleton from the system's ICU, which <c>InvariantGlobalization</c> keeps .NET
/// from loading. Debian 12 ships ICU 72, the .NET 10 runtime images (Ubuntu 24.04) ICU 74; the exported names
/// carry the version (<c>uspoof_getSkeleton_72</c>), so the versions are probed. Windows 10 1903+ has an
/// unversioned <c>icu.dll</c>. Null (<see cref="Instance"/>) when no ICU is found: chiselled images without ICU.
/// </summary>
internal sealed unsafe class IcuText
{
    private const int BufferOverflow = 15; // U_BUFFER_OVERFLOW_ERROR

    private static readonly Lazy<IcuText?> Loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly IntPtr nfkc;
    private readonly IntPtr spoofChecker;
    private readonly delegate* unmanaged<IntPtr, char*, int, char*, int, int*, int> normalize;
    private readonly delegate* unmanaged<IntPtr, uint, char*, int, char*, int, int*, int> getSkeleton;

    private IcuText(string version, IntPtr nfkc, IntPtr spoofChecker,
        delegate* unmanaged<IntPtr, char*, int, char*, int, int*, int> normalize,
        delegate* unmanaged<IntPtr, uint, char*, int, char*, int, int*, int> getSkeleton)
    {
        Version = version;
        this.nfkc = nfkc;
        this.spoofChecker = spoofChecker;
        this.normalize = normalize;
        this.getSkeleton = getSkeleton;
    }

    /// <summary>The loaded ICU, or null when none could be loaded.</summary>
    public static IcuText? Instance => Loaded.Value;

    /// <summary>The ICU major version, or "system" for an unversioned build.</summary>
    public string Version { get; }

    /// <summary>Unicode NFKC (unorm2_normalize with the NFKC instance).</summary>
    public string NormalizeKc(string text) => Call(text, skeleton: false);

    /// <summary>uspoof_getSkeleton: NFD, every character replaced by its confusable prototype, NFD.</summary>
    public string Skeleton(string text) => Call(text, skeleton: true);

    private string Call(string text, bool skeleton)
    {
        if (text.Length == 0)
        {
            return text;
        }
        // NFKC can grow a character up to 18-fold (U+FDFA); a skeleton somewhat less. Retry once with the size ICU asks.
        var capacity = (text.Length * 4) + 16;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var buffer = new char[capacity];
            int status = 0;
            int length;
            fixed (char* source = text)
            fixed (char* destination = buffer)
            {
                length = skeleton
                    ? getSkeleton(spoofChecker, 0, source, text.Length, destination, capacity, &status)
                    : normalize(nfkc, source, text.Length, destination, capacity, &status);
            }
            if (status == BufferOverflow)
            {
                capacity = length + 1;
                continue;
            }
            if (status > 0)
            {
                throw new InvalidOperationException($"ICU failed with error code {status}.");
            }
            return new string(buffer, 0, length);
        }
        throw new InvalidOperationException("ICU asked for a larger buffer twice.");
    }

    private static IcuText? Load()
    {
        foreach (var (common, i18n, suffix) in Candidates())
        {
            if (!NativeLibrary.TryLoad(common, out var commonHandle))
            {
                continue;
            }
            var i18nHandle = commonHandle;
            if (i18n != common && !NativeLibrary.TryLoad(i18n, out i18nHandle))
            {
                continue;
            }
            if (!NativeLibrary.TryGetExport(commonHandle, "unorm2_getNFKCInstance" + suffix, out var getNfkc)
                || !NativeLibrary.TryGetExport(commonHandle, "unorm2_normalize" + suffix, out var normalize)
                || !NativeLibrary.TryGetExport(i18nHandle, "uspoof_open" + suffix, out var open)
                || !NativeLibrary.TryGetExport(i18nHandle, "uspoof_getSkeleton" + suffix, out var skeleton))
            {
                continue;
            }
            int status = 0;
            var nfkc = ((delegate* unmanaged<int*, IntPtr>)getNfkc)(&status);
            if (status > 0 || nfkc == IntPtr.Zero)
            {
                continue;
            }
            status = 0;
            var checker = ((delegate* unmanaged<int*, IntPtr>)open)(&status);
            if (status > 0 || checker == IntPtr.Zero)
            {
                continue;
            }
            return new IcuText(suffix.Length > 0 ? suffix[1..] : "system", nfkc, checker,
                (delegate* unmanaged<IntPtr, char*, int, char*, int, int*, int>)normalize,
                (delegate* unmanaged<IntPtr, uint, char*, int, char*, int, int*, int>)skeleton);
        }
        return null;
    }

    private static IEnumerable<(string Common, string I18n, string Suffix)> Candidates()
    {
        if (OperatingSystem.IsWindows())
        {
            yield return ("icu.dll", "icu.dll", "");
            yield break;
        }
        var extension = OperatingSystem.IsMacOS() ? "dylib" : "so";
        // The override .NET itself honours for its own ICU ("72" or "72.1").
        if (Environment.GetEnvironmentVariable("CLR_ICU_VERSION_OVERRIDE") is { Length: > 0 } wanted
            && int.TryParse(wanted.Split('.')[0], out var major))
        {
            yield return ($"libicuuc.{extension}.{major}", $"libicui18n.{extension}.{major}", $"_{major}");
        }
        for (var version = 99; version >= 50; version--)
        {
            yield return ($"libicuuc.{extension}.{version}", $"libicui18n.{extension}.{version}", $"_{version}");
        }
    }
}
