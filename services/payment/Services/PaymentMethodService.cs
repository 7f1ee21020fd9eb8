using EStore.Payment.Data;
using EStore.Payment.Dtos;
using EStore.Payment.Provider;
using EStore.Platform.Data;
using EStore.Platform.Errors;
using EStore.Platform.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EStore.Payment.Services;

/// <summary>
/// A user's saved cards: tokenised at the provider, attached to the user's provider customer, stored as token, brand,
/// last four, expiry and fingerprint. Only the owner sees or changes them; anyone else's answers like a missing one.
/// </summary>
public sealed class PaymentMethodService(PaymentDbContext db, PaymentProvider provider, IOptions<PaymentMethodOptions> settings,
    TimeProvider time, ILogger<PaymentMethodService> logger)
{
    public async Task<IReadOnlyList<PaymentMethodDto>> ListAsync(CurrentUser caller, CancellationToken cancellationToken)
    {
        var methods = await db.PaymentMethods.AsNoTracking().Where(m => m.UserId == caller.Id).ToListAsync(cancellationToken);
        return [.. methods.OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).Select(ToDto)];
    }

    public async Task<Result<PaymentMethodDto>> GetAsync(Guid id, CurrentUser caller, CancellationToken cancellationToken) =>
        await FindAsync(id, caller, cancellationToken) is { } method ? ToDto(method) : NotFound();

    /// <summary>Validates, tokenises, attaches and stores a card; the user's first becomes the default.</summary>
    public async Task<Result<PaymentMethodDto>> CreateAsync(CurrentUser caller, System.Text.Json.JsonElement body, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var errors = CardRules.Validate(body, now, out var card);
        if (errors.Count > 0)
        {
            return Error.Validation(errors);
        }
        var max = settings.Value.MaxPerUser;
        if (await db.PaymentMethods.CountAsync(m => m.UserId == caller.Id, cancellationToken) >= max)
        {
            return Error.Conflict($"At most {max} payment methods can be saved; delete one first.");
        }

        TokenisedCard tokenised;
        try
        {
            var customer = await CustomerAsync(caller, cancellationToken);
            tokenised = await provider.TokeniseCardAsync(card.Number, card.ExpiryMonth, card.ExpiryYear, card.Cvc, cancellationToken);
            if (tokenised.Fingerprint is { } fingerprint
                && await db.PaymentMethods.AnyAsync(m => m.UserId == caller.Id && m.Fingerprint == fingerprint, cancellationToken))
            {
                return Error.Conflict("This card is already saved.");
            }
            await provider.AttachAsync(tokenised.Token, customer, cancellationToken);
        }
        catch (Exception exception) when (ProviderErrors.Map(exception, cancellationToken) is { } failure)
        {
            return Refusal(failure, exception);
        }

        var method = new PaymentMethod
        {
            Id = Guid.CreateVersion7(now),
            UserId = caller.Id,
            ProviderToken = tokenised.Token,
            Type = CardRules.PaymentTypes[0],
            Brand = tokenised.Brand,
            Last4 = tokenised.Last4,
            ExpiryMonth = tokenised.ExpiryMonth,
            ExpiryYear = tokenised.ExpiryYear,
            Fingerprint = tokenised.Fingerprint,
            BillingAddressId = card.BillingAddressId,
            IsDefault = !await db.PaymentMethods.AnyAsync(m => m.UserId == caller.Id && m.IsDefault, cancellationToken),
            CreatedAt = now,
        };
        db.PaymentMethods.Add(method);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (DbErrors.IsUniqueViolation(exception) && method.IsDefault)
        {
            // Another card of this user became the default meanwhile: this one is saved without the flag.
            method.IsDefault = false;
            await db.SaveChangesAsync(cancellationToken);
        }
        return ToDto(method);
    }

    /// <summary>Detaches the card at the provider and forgets it; the newest other card becomes the default if this one was.</summary>
    public async Task<Result> DeleteAsync(Guid id, CurrentUser caller, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, caller, cancellationToken) is not { } method)
        {
            return NotFound();
        }
        try
        {
            await provider.DetachAsync(method.ProviderToken, cancellationToken);
        }
        catch (Stripe.StripeException exception) when (exception.StripeError?.Code == "resource_missing")
        {
            // Already gone at the provider: nothing left to detach.
        }
        catch (Exception exception) when (ProviderErrors.Map(exception, cancellationToken) is { } failure)
        {
            return Refusal(failure, exception);
        }
        db.PaymentMethods.Remove(method);
        if (method.IsDefault)
        {
            var next = await db.PaymentMethods.Where(m => m.UserId == caller.Id && m.Id != id)
                .OrderByDescending(m => m.CreatedAt).FirstOrDefaultAsync(cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            if (next is not null)
            {
                next.IsDefault = true;
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        return Result.Success;
    }

    public async Task<Result<PaymentMethodDto>> SetDefaultAsync(Guid id, CurrentUser caller, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, caller, cancellationToken) is not { } method)
        {
            return NotFound();
        }
        if (!method.IsDefault)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.PaymentMethods.Where(m => m.UserId == caller.Id && m.IsDefault)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.IsDefault, false), cancellationToken);
            method.IsDefault = true;
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        return ToDto(method);
    }

    private async Task<PaymentMethod?> FindAsync(Guid id, CurrentUser caller, CancellationToken cancellationToken) =>
        await db.PaymentMethods.SingleOrDefaultAsync(m => m.Id == id && m.UserId == caller.Id, cancellationToken);

    // One provider customer per user, made on first use; the provider's idempotency key keeps a race to one customer.
    private async Task<string> CustomerAsync(CurrentUser caller, CancellationToken cancellationToken)
    {
        if (await db.Customers.AsNoTracking().SingleOrDefaultAsync(c => c.UserId == caller.Id, cancellationToken) is { } known)
        {
            return known.CustomerId;
        }
        var id = await provider.CreateCustomerAsync(caller.Id, caller.Email, cancellationToken);
        db.Customers.Add(new ProviderCustomer { UserId = caller.Id, CustomerId = id, CreatedAt = time.GetUtcNow() });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (DbErrors.IsUniqueViolation(exception))
        {
            // A concurrent first use stored it; the same key gave both the same customer.
            db.ChangeTracker.Clear();
        }
        return id;
    }

    private Error Refusal(ProviderFailure failure, Exception exception)
    {
        if (failure.IsTransient)
        {
            // The exception's type only: its message may quote the provider's answer.
            logger.LogWarning("The payment provider did not answer usably ({Error}).", exception.GetType().Name);
            return Error.Unavailable("The payment provider cannot be reached now; try again shortly.");
        }
        if (failure.Kind == ProviderFailureKind.Declined)
        {
            var field = failure.Param switch
            {
                "card[exp_month]" or "exp_month" => "details.expiry_month",
                "card[exp_year]" or "exp_year" => "details.expiry_year",
                "card[cvc]" or "cvc" => "details.cvc",
                _ => "details.card_number",
            };
            return Error.Validation(field, $"The card was refused ({failure.Reason}).");
        }
        logger.LogError("The payment provider refused a request ({Reason}).", failure.Reason);
        return Error.Unavailable("The payment provider refused the request; try again later.");
    }

    private static Error NotFound() => Error.NotFound("No such payment method.");

    internal static PaymentMethodDto ToDto(PaymentMethod m) =>
        new(m.Id, m.Type, m.Brand, m.Last4, m.ExpiryMonth, m.ExpiryYear, m.BillingAddressId, m.IsDefault, m.CreatedAt);
}
