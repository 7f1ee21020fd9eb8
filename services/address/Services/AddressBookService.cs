using EStore.Address.Data;
using EStore.Address.Dtos;
using EStore.Platform.Data;
using EStore.Platform.Errors;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EStore.Address.Services;

/// <summary>Which default an address is made.</summary>
public enum DefaultKind
{
    Shipping,
    Billing,
}

/// <summary>
/// A user's address book: list, read, add, edit, delete, defaults. Only the owner changes an address; administrators
/// may read any by id. Someone else's address answers exactly like a missing one.
/// </summary>
public sealed class AddressBookService(AddressDbContext db, IOptions<AddressOptions> settings, TimeProvider time)
{
    // Concurrent writers of one book take turns (see WriteAsync); each turn is short, so a few retries settle it.
    private const int MaxAttempts = 10;

    /// <summary>The caller's addresses, oldest first; empty while their book is held after a UserDisabled.</summary>
    public async Task<IReadOnlyList<AddressDto>> ListAsync(AddressCaller caller, CancellationToken cancellationToken)
    {
        if (await IsHeldAsync(caller, cancellationToken))
        {
            return [];
        }
        var addresses = await db.Addresses.AsNoTracking().Where(a => a.UserId == caller.Id).ToListAsync(cancellationToken);
        return [.. addresses.OrderBy(a => a.CreatedAt).ThenBy(a => a.Id).Select(ToDto)];
    }

    /// <summary>
    /// One address: the owner's (which counts as a use: this is how order-service snapshots it at checkout) or, for
    /// support, any user's to an administrator.
    /// </summary>
    public async Task<Result<AddressDto>> GetAsync(Guid id, AddressCaller caller, CancellationToken cancellationToken)
    {
        var address = await db.Addresses.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (address is null)
        {
            return NotFound(id);
        }
        if (address.UserId != caller.Id)
        {
            return caller.User.IsAdmin ? ToDto(address) : NotFound(id);
        }
        if (await IsHeldAsync(caller, cancellationToken))
        {
            return NotFound(id);
        }
        var now = Now();
        await db.Addresses.Where(a => a.Id == id).ExecuteUpdateAsync(s => s.SetProperty(a => a.LastUsedAt, now), cancellationToken);
        return ToDto(address);
    }

    /// <summary>Adds an address; the user's first (or the first after their defaults went) becomes the default of each kind.</summary>
    public async Task<Result<AddressDto>> CreateAsync(AddressCaller caller, AddressRequest request, CancellationToken cancellationToken)
    {
        var errors = AddressRules.Validate(request, out var clean);
        if (errors.Count > 0)
        {
            return Error.Validation(errors);
        }
        var max = settings.Value.MaxPerUser;
        return await WriteAsync(caller, () => Error.Forbidden("This account is disabled."), (addresses, now) =>
        {
            if (addresses.Count >= max)
            {
                return Task.FromResult<Result<SavedAddress>>(Error.Conflict($"An address book holds at most {max} addresses; delete one first."));
            }
            var address = new SavedAddress
            {
                Id = Guid.CreateVersion7(now),
                UserId = caller.Id,
                RecipientName = clean.RecipientName!,
                Line1 = clean.Line1!,
                City = clean.City!,
                Country = clean.Country!,
                Phone = clean.Phone!,
                IsDefaultShipping = !addresses.Any(a => a.IsDefaultShipping),
                IsDefaultBilling = !addresses.Any(a => a.IsDefaultBilling),
                CreatedAt = now,
            };
            Apply(address, clean, now);
            db.Addresses.Add(address);
            return Task.FromResult<Result<SavedAddress>>(address);
        }, cancellationToken);
    }

    /// <summary>Replaces an address's fields (the owner only).</summary>
    public async Task<Result<AddressDto>> UpdateAsync(Guid id, AddressCaller caller, AddressRequest request, CancellationToken cancellationToken)
    {
        if (await RefuseChangeAsync(id, caller, cancellationToken) is { } refused)
        {
            return refused;
        }
        var errors = AddressRules.Validate(request, out var clean);
        if (errors.Count > 0)
        {
            return Error.Validation(errors);
        }
        return await WriteAsync(caller, () => NotFound(id), (addresses, now) =>
        {
            if (addresses.Find(a => a.Id == id) is not { } address)
            {
                return Task.FromResult<Result<SavedAddress>>(NotFound(id));
            }
            address.RecipientName = clean.RecipientName!;
            address.Line1 = clean.Line1!;
            address.City = clean.City!;
            address.Country = clean.Country!;
            address.Phone = clean.Phone!;
            Apply(address, clean, now);
            return Task.FromResult<Result<SavedAddress>>(address);
        }, cancellationToken);
    }

    /// <summary>Makes an address the default of <paramref name="kind"/>, taking it from the one that was.</summary>
    public async Task<Result<AddressDto>> SetDefaultAsync(Guid id, DefaultKind kind, AddressCaller caller, CancellationToken cancellationToken)
    {
        if (await RefuseChangeAsync(id, caller, cancellationToken) is { } refused)
        {
            return refused;
        }
        return await WriteAsync(caller, () => NotFound(id), async (addresses, now) =>
        {
            if (addresses.Find(a => a.Id == id) is not { } address)
            {
                return NotFound(id);
            }
            await MoveDefaultAsync(addresses, address, kind, cancellationToken);
            address.LastUsedAt = now;
            return address;
        }, cancellationToken);
    }

    /// <summary>Deletes an address; a default it was passes to the other address used most recently.</summary>
    public async Task<Result> DeleteAsync(Guid id, AddressCaller caller, CancellationToken cancellationToken)
    {
        if (await RefuseChangeAsync(id, caller, cancellationToken) is { } refused)
        {
            return refused;
        }
        var result = await WriteAsync(caller, () => NotFound(id), async (addresses, now) =>
        {
            if (addresses.Find(a => a.Id == id) is not { } address)
            {
                return NotFound(id);
            }
            db.Addresses.Remove(address);
            addresses.Remove(address);
            // Deleted first: the partial unique indexes allow one default of each kind at any moment.
            await db.SaveChangesAsync(cancellationToken);
            var heir = addresses.OrderByDescending(a => a.LastUsedAt).ThenByDescending(a => a.CreatedAt).ThenByDescending(a => a.Id).FirstOrDefault();
            if (heir is not null)
            {
                heir.IsDefaultShipping |= address.IsDefaultShipping;
                heir.IsDefaultBilling |= address.IsDefaultBilling;
            }
            return address;
        }, cancellationToken);
        return result.Error is { } error ? error : Result.Success;
    }

    // A change of someone else's address: 404 (no hint it exists), or 403 for an administrator, who may read it anyway.
    private async Task<Error?> RefuseChangeAsync(Guid id, AddressCaller caller, CancellationToken cancellationToken)
    {
        var owner = await db.Addresses.AsNoTracking().Where(a => a.Id == id).Select(a => (Guid?)a.UserId).SingleOrDefaultAsync(cancellationToken);
        if (owner is null || owner == caller.Id)
        {
            return owner is null ? NotFound(id) : null;
        }
        return caller.User.IsAdmin ? Error.Forbidden("Administrators may read other users' addresses but not change them.") : NotFound(id);
    }

    private async Task MoveDefaultAsync(List<SavedAddress> addresses, SavedAddress address, DefaultKind kind, CancellationToken cancellationToken)
    {
        var current = addresses.Find(a => a.Id != address.Id && IsDefault(a, kind));
        if (current is not null)
        {
            // Cleared and saved first: the partial unique index allows one default of each kind at any moment.
            SetDefault(current, kind, false);
            await db.SaveChangesAsync(cancellationToken);
        }
        SetDefault(address, kind, true);
    }

    /// <summary>
    /// Runs <paramref name="change"/> on the user's addresses as the book's one writer: the book's version is bumped
    /// first, so a concurrent writer (another request, another instance) waits for this transaction and then fails
    /// its version check and starts again from what this one committed. A lost race on the book's creation or a
    /// default index starts again the same way.
    /// </summary>
    private async Task<Result<AddressDto>> WriteAsync(
        AddressCaller caller, Func<Error> whenHeld, Func<List<SavedAddress>, DateTimeOffset, Task<Result<SavedAddress>>> change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            try
            {
                var book = await db.Books.SingleOrDefaultAsync(b => b.UserId == caller.Id, cancellationToken);
                if (book is null)
                {
                    book = new AddressBook { UserId = caller.Id };
                    db.Books.Add(book);
                }
                else if (book.DisabledAt is { } disabledAt)
                {
                    if (!caller.IssuedAfter(disabledAt))
                    {
                        return whenHeld();
                    }
                    LiftHold(book);
                }
                book.Version = Guid.NewGuid();
                await db.SaveChangesAsync(cancellationToken);

                var addresses = await db.Addresses.Where(a => a.UserId == caller.Id).ToListAsync(cancellationToken);
                var result = await change(addresses, Now());
                if (result.Error is { } error)
                {
                    return error;
                }
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return ToDto(result.Value!);
            }
            catch (DbUpdateException ex) when (ex is DbUpdateConcurrencyException || DbErrors.IsUniqueViolation(ex))
            {
                if (attempt == MaxAttempts)
                {
                    return Error.Conflict("The address book is being changed by another request; try again.");
                }
                await transaction.RollbackAsync(cancellationToken);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20) * attempt), time, cancellationToken);
            }
        }
    }

    /// <summary>
    /// True while the caller's book is held after a UserDisabled and their token is from before it; a later token
    /// (the account was enabled again) lifts the hold.
    /// </summary>
    private async Task<bool> IsHeldAsync(AddressCaller caller, CancellationToken cancellationToken)
    {
        var disabledAt = await db.Books.AsNoTracking().Where(b => b.UserId == caller.Id).Select(b => b.DisabledAt).SingleOrDefaultAsync(cancellationToken);
        if (disabledAt is not { } at)
        {
            return false;
        }
        if (!caller.IssuedAfter(at))
        {
            return true;
        }
        await db.Books.Where(b => b.UserId == caller.Id && b.DisabledAt == at).ExecuteUpdateAsync(s => s
            .SetProperty(b => b.DisabledAt, (DateTimeOffset?)null)
            .SetProperty(b => b.EraseAfter, (DateTimeOffset?)null)
            .SetProperty(b => b.Version, Guid.NewGuid()), cancellationToken);
        return false;
    }

    // PostgreSQL keeps microseconds: an answer must show the time as a later read will.
    private DateTimeOffset Now()
    {
        var now = time.GetUtcNow();
        return now.AddTicks(-(now.Ticks % 10));
    }

    private static void LiftHold(AddressBook book)
    {
        book.DisabledAt = null;
        book.EraseAfter = null;
    }

    private static void Apply(SavedAddress address, AddressRequest clean, DateTimeOffset now)
    {
        address.Label = clean.Label;
        address.Line2 = clean.Line2;
        address.Region = clean.Region;
        address.PostalCode = clean.PostalCode;
        address.UpdatedAt = now;
        address.LastUsedAt = now;
    }

    private static bool IsDefault(SavedAddress address, DefaultKind kind) => kind == DefaultKind.Shipping ? address.IsDefaultShipping : address.IsDefaultBilling;

    private static void SetDefault(SavedAddress address, DefaultKind kind, bool value)
    {
        if (kind == DefaultKind.Shipping)
        {
            address.IsDefaultShipping = value;
        }
        else
        {
            address.IsDefaultBilling = value;
        }
    }

    private static Error NotFound(Guid id) => Error.NotFound($"Address {id} does not exist.");

    internal static AddressDto ToDto(SavedAddress a) => new(
        a.Id, a.UserId, a.Label, a.RecipientName, a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country, a.Phone,
        a.IsDefaultShipping, a.IsDefaultBilling, a.CreatedAt, a.UpdatedAt);
}
