using EStore.Platform.Hosting;
namespace EStore.ServiceDefaults;

/// <summary><c>Mesh:*</c>: how a process started by the launcher or a test fixture talks back to it.</summary>
public sealed class MeshOptions : IValidatedOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Mesh";

    /// <summary>The file the process writes its listening URL to once started (<see cref="AnnouncedAddressWriter"/>).</summary>
    public string? AnnounceFile { get; set; }

    /// <summary>Stop gracefully when standard input reaches end-of-file (<see cref="ParentProcessWatch"/>).</summary>
    public bool ExitOnStdinClose { get; set; }
}
