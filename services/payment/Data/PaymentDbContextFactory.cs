using EStore.Platform.Data;

namespace EStore.Payment.Data;

/// <summary>The design-time factory <c>build/add-migration.sh payment</c> uses.</summary>
public sealed class PaymentDbContextFactory : PostgresDesignTimeFactory<PaymentDbContext>;
