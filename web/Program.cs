using EStore.ServiceDefaults;
using EStore.Web;
using EStore.Web.Accounts;
using EStore.Web.Components;
using EStore.Web.Downloads;

var builder = ServiceHost.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddWebApp();                 // Razor components, MudBlazor, the gateway client
builder.AddWebAccounts();            // the sealed session cookie with the tokens, refresh on the way

var app = builder.Build();
app.MapServiceDefaults();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();                // every form post carries the token Blazor's forms render
app.MapStaticAssets();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.MapCsvDownloads();              // CSV downloads (inventory, shop and admin orders), the user's token kept server-side
return await app.RunServiceAsync();

/// <summary>Entry point, visible to in-process tests.</summary>
public partial class Program;
