namespace EStore.Identity.Data;

/// <summary>One Data Protection key-ring element (XML), shared by every identity-service instance.</summary>
public sealed class DataProtectionKey
{
    public int Id { get; set; }
    public string? FriendlyName { get; set; }
    public required string Xml { get; set; }
}
