using EStore.Address.Messaging;
using EStore.Platform.Hosting;

namespace EStore.Address.Services;

/// <summary>Registers address-service's business services.</summary>
public static class AddressServiceExtensions
{
    public static IHostApplicationBuilder AddAddressServices(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<AddressOptions>(AddressOptions.Section);
        builder.Services.AddScoped<AddressBookService>();
        builder.Services.AddSingleton<DisabledAddressEraser>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DisabledAddressEraser>());
        return builder;
    }
}
