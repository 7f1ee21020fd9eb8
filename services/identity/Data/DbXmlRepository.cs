using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;

namespace EStore.Identity.Data;

/// <summary>
/// Keeps the Data Protection key ring in the identity database, so every identity-service instance
/// (they share the database) can unprotect the signing keys any of them created.
/// </summary>
internal sealed class DbXmlRepository(IServiceScopeFactory scopes) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        // The Data Protection API is synchronous; it reads the ring at startup and when it rotates.
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        return [.. db.DataProtectionKeys.AsNoTracking().OrderBy(k => k.Id).AsEnumerable().Select(k => XElement.Parse(k.Xml))];
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
        db.SaveChanges();
    }
}
