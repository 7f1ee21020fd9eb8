using EStore.Web.Accounts;
using EStore.Web.Gateway;
using Microsoft.AspNetCore.Components;

namespace EStore.Web.Components.Shared;

/// <summary>
/// A page rendered on the server for a signed-in user (account pages, consoles): plain forms, so every request passes
/// the session cookie's check (which refreshes the access token when due) and calls the API with that token. The
/// token never reaches the browser.
/// </summary>
public abstract class SignedInPage : ComponentBase
{
    [CascadingParameter]
    protected HttpContext HttpContext { get; set; } = default!;

    [Inject]
    protected GatewayClient Gateway { get; set; } = default!;

    [Inject]
    protected NavigationManager Navigation { get; set; } = default!;

    protected CancellationToken Aborted => HttpContext.RequestAborted;

    protected bool IsPost => HttpMethods.IsPost(HttpContext.Request.Method);

    /// <summary>
    /// Whether this request posts the form named <paramref name="formName"/>. Blazor runs a post's handler only when the
    /// page renders that form again, so a form whose action is no longer offered (a second post of a double click, another
    /// tab) is still rendered for its own post: the API then answers (the same order again, or its 409) instead of a
    /// failed request.
    /// </summary>
    protected bool Posted(string formName) =>
        IsPost && HttpContext.Request.HasFormContentType && HttpContext.Request.Form["_handler"] == formName;

    /// <summary>The signed-in caller for the API.</summary>
    protected async Task<ApiCaller> CallerAsync() => new(await SessionCookie.AccessTokenAsync(HttpContext));
}
