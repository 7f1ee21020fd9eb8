using EStore.Contracts.Events;
using EStore.Platform.Data;
using EStore.Platform.Errors;
using EStore.Platform.Messaging;
using EStore.Platform.Paging;
using EStore.Platform.Security;
using EStore.Platform.Text;
using EStore.Shop.Data;
using EStore.Shop.Dtos;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EStore.Shop.Services;

/// <summary>Registers, lists, edits and moderates shops; every change and its event commit together.</summary>
public sealed class ShopService(ShopDbContext db, IEventOutbox outbox, IOptions<ShopOptions> settings, TimeProvider time)
{
    public async Task<Result<ShopDto>> CreateAsync(CurrentUser caller, ShopRequest request, CancellationToken cancellationToken)
    {
        // No fallback to the owner's login e-mail: the contact address is public, so only one the owner typed is shown.
        var errors = ShopRules.Validate(request, out var clean);
        if (errors.Count > 0)
        {
            return Error.Validation(errors);
        }
        var normalized = UnicodeText.ComparisonKey(clean.Name!);
        var skeleton = UnicodeText.Skeleton(clean.Name!);
        if (await FindClashAsync(normalized, skeleton, null, cancellationToken) is { } clash)
        {
            return clash;
        }
        var now = time.GetUtcNow();
        var shop = new Data.Shop
        {
            Id = Guid.CreateVersion7(now),
            OwnerId = caller.Id,
            Name = clean.Name!,
            NormalizedName = normalized,
            NameSkeleton = skeleton,
            Slug = await FreeSlugAsync(clean.Name!, null, cancellationToken),
            ContactEmail = clean.ContactEmail!,
            Status = settings.Value.RequireApproval ? ShopState.Pending : ShopState.Active,
            CreatedAt = now,
        };
        Apply(shop, clean, now);
        db.Shops.Add(shop);
        outbox.Add(new ShopCreated(shop.Id, shop.OwnerId, shop.Name, shop.ContactEmail, ToContract(shop.Status)) { OccurredAt = now });
        return await SaveAsync(shop, cancellationToken);
    }

    /// <summary>The public directory: active shops only, by name.</summary>
    public async Task<PagedResult<ShopDto>> ListAsync(PageQuery page, string? query, string? category, CancellationToken cancellationToken)
    {
        var shops = db.Shops.AsNoTracking().Where(s => s.Status == ShopState.Active);
        if (!string.IsNullOrWhiteSpace(query))
        {
            // Parameterised LIKE/strpos on the normalised column: case-insensitive on both engines.
            // The same comparison key as the stored one, and as product-service's shopName filter ("Ｖｏｌｔ" finds "Volt").
            var needle = UnicodeText.ComparisonKey(query);
            shops = shops.Where(s => s.NormalizedName.Contains(needle));
        }
        if (!string.IsNullOrWhiteSpace(category))
        {
            var wanted = UnicodeText.ComparisonKey(category);
            shops = shops.Where(s => s.NormalizedCategory == wanted);
        }
        var total = await shops.CountAsync(cancellationToken);
        var items = await shops.OrderBy(s => s.NormalizedName).ThenBy(s => s.Id)
            .Skip(page.Offset).Take(page.Size)
            .ToListAsync(cancellationToken);
        return new PagedResult<ShopDto>([.. items.Select(s => ToDto(s, withOwner: false))], page.Page, page.Size, total);
    }

    /// <summary>A shop; one that is not active is visible only to its owner and administrators.</summary>
    public async Task<Result<ShopDto>> GetAsync(Guid id, CurrentUser? caller, CancellationToken cancellationToken)
    {
        var shop = await db.Shops.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (shop is null || (shop.Status != ShopState.Active && !CanManage(shop, caller)))
        {
            return NotFound(id);
        }
        return ToDto(shop, withOwner: CanManage(shop, caller));
    }

    public async Task<IReadOnlyList<ShopDto>> MineAsync(CurrentUser caller, CancellationToken cancellationToken) =>
        [.. (await db.Shops.AsNoTracking().Where(s => s.OwnerId == caller.Id).OrderBy(s => s.NormalizedName)
            .ToListAsync(cancellationToken)).Select(s => ToDto(s, withOwner: true))];

    public async Task<Result<ShopDto>> UpdateAsync(Guid id, CurrentUser caller, ShopRequest request, CancellationToken cancellationToken)
    {
        var shop = await db.Shops.SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (shop is null || !CanManage(shop, caller))
        {
            // Someone else's shop is indistinguishable from a missing one.
            return NotFound(id);
        }
        var errors = ShopRules.Validate(request, out var clean);
        if (errors.Count > 0)
        {
            return Error.Validation(errors);
        }
        var normalized = UnicodeText.ComparisonKey(clean.Name!);
        var skeleton = UnicodeText.Skeleton(clean.Name!);
        if (normalized != shop.NormalizedName || skeleton != shop.NameSkeleton)
        {
            if (await FindClashAsync(normalized, skeleton, id, cancellationToken) is { } clash)
            {
                return clash;
            }
            if (normalized != shop.NormalizedName)
            {
                shop.Slug = await FreeSlugAsync(clean.Name!, shop.Id, cancellationToken);
            }
        }
        var now = time.GetUtcNow();
        shop.Name = clean.Name!;
        shop.NormalizedName = normalized;
        shop.NameSkeleton = skeleton;
        shop.ContactEmail = clean.ContactEmail!;
        Apply(shop, clean, now);
        outbox.Add(new ShopUpdated(shop.Id, shop.Name, shop.ContactEmail, shop.OwnerId) { OccurredAt = now });
        return await SaveAsync(shop, cancellationToken);
    }

    /// <summary>Admin moderation: approve (PENDING -> ACTIVE), suspend, reactivate (SUSPENDED -> ACTIVE).</summary>
    public async Task<Result<ShopDto>> ChangeStatusAsync(Guid id, ShopState from, ShopState to, string? reason, CancellationToken cancellationToken)
    {
        var shop = await db.Shops.SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (shop is null)
        {
            return NotFound(id);
        }
        // Suspension applies to pending and active shops alike; the other moves need their exact starting state.
        var allowed = shop.Status == from || (to == ShopState.Suspended && shop.Status == ShopState.Pending);
        if (!allowed)
        {
            return Error.Conflict($"Shop {id} is {Label(shop.Status)}; this change needs {Label(from)}.");
        }
        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (reason is { Length: > ShopRulesLimits.Reason })
        {
            return Error.Validation("reason", $"At most {ShopRulesLimits.Reason} characters.");
        }
        var now = time.GetUtcNow();
        shop.Status = to;
        shop.StatusReason = reason;
        shop.UpdatedAt = now;
        outbox.Add(new ShopStatusChanged(shop.Id, ToContract(to), reason) { OccurredAt = now });
        return await SaveAsync(shop, cancellationToken);
    }

    private async Task<Result<ShopDto>> SaveAsync(Data.Shop shop, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            // Only the owner or an administrator gets here (create, edit, moderation): they may see the owner.
            return ToDto(shop, withOwner: true);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            // Lost a race with a concurrent request for the same name.
            return NameTaken(shop.Name);
        }
    }

    // The same name ignoring case, or one that looks the same (TS #39 skeleton: homoglyphs, full-width, invisible characters).
    private async Task<Error?> FindClashAsync(string normalized, string skeleton, Guid? self, CancellationToken cancellationToken)
    {
        var existing = await db.Shops.AsNoTracking()
            .Where(s => (s.NormalizedName == normalized || s.NameSkeleton == skeleton) && s.Id != self)
            .Select(s => s.Name).FirstOrDefaultAsync(cancellationToken);
        return existing is null ? null : NameTaken(existing);
    }

    private async Task<string> FreeSlugAsync(string name, Guid? self, CancellationToken cancellationToken)
    {
        var slug = ShopRules.Slugify(name);
        if (slug.Length > ShopRulesLimits.Name)
        {
            slug = slug[..ShopRulesLimits.Name].TrimEnd('-');
        }
        // Different names can share a slug ("A&B" and "A B"): the later one gets a short random suffix.
        return await db.Shops.AnyAsync(s => s.Slug == slug && s.Id != self, cancellationToken)
            ? $"{slug}-{Guid.NewGuid().ToString("N")[..8]}"
            : slug;
    }

    private static void Apply(Data.Shop shop, ShopRequest clean, DateTimeOffset now)
    {
        shop.Description = clean.Description;
        shop.Category = clean.Category;
        shop.NormalizedCategory = clean.Category is null ? null : UnicodeText.ComparisonKey(clean.Category);
        shop.LogoUrl = clean.LogoUrl;
        shop.ContactPhone = clean.ContactPhone;
        shop.Address = clean.Address;
        shop.OpeningHours = clean.OpeningHours;
        shop.UpdatedAt = now;
    }

    internal static bool CanManage(Data.Shop shop, CurrentUser? caller) => caller is not null && (caller.IsAdmin || shop.OwnerId == caller.Id);

    internal static Error NotFound(Guid id) => Error.NotFound($"Shop {id} does not exist.");

    private static Error NameTaken(string name) =>
        Error.Conflict($"A shop named '{name}' already exists, or one whose name looks the same; choose a name that reads differently.");

    /// <summary>The status as <c>shop.events</c> carry it.</summary>
    internal static ShopStatus ToContract(ShopState state) => state switch
    {
        ShopState.Pending => ShopStatus.Pending,
        ShopState.Active => ShopStatus.Active,
        ShopState.Suspended => ShopStatus.Suspended,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "a shop state without an event status"),
    };

    internal static string Label(ShopState state) => state.ToString().ToUpperInvariant();

    /// <summary>The API view; <paramref name="withOwner"/> only for the owner and administrators, never in public answers.</summary>
    internal static ShopDto ToDto(Data.Shop s, bool withOwner) => new(
        s.Id, withOwner ? s.OwnerId : null, s.Name, s.Slug, s.Description, s.Category, s.LogoUrl, s.ContactEmail, s.ContactPhone,
        s.Address, s.OpeningHours, Label(s.Status), s.StatusReason, s.CreatedAt, s.UpdatedAt);
}
