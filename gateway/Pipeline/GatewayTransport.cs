using EStore.Platform.Hosting;

namespace EStore.Gateway.Pipeline;

/// <summary>How the gateway's sockets hand work to its code.</summary>
/// <remarks>
/// By default .NET moves every socket completion from the epoll thread to the thread pool, and Kestrel moves
/// it once more to its own queues: a proxied request wakes four to six threads. On the 2-core machines of a
/// laptop mesh, a profile of the gateway under load put half its CPU in the kernel switching threads
/// (bench/results/gateway.md). With inline scheduling the epoll thread runs the request itself, on both
/// sides of the proxy. That is safe here because nothing in the gateway blocks a thread: validation,
/// forwarding and logging are asynchronous or in memory; services that run synchronous database code do
/// not use it.
/// </remarks>
public static class GatewayTransport
{
    /// <summary><c>true</c> (default): socket completions and Kestrel continuations run inline.</summary>
    public const string InlineSchedulingKey = "Gateway:InlineScheduling";

    /// <summary>Read by .NET's socket engine once, when the process first waits on a socket.</summary>
    internal const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Applies <see cref="InlineSchedulingKey"/>; call before the host is built.</summary>
    public static WebApplicationBuilder AddGatewayTransport(this WebApplicationBuilder builder)
    {
        if (!builder.Configuration.GetValidatedOptions<GatewayPipelineOptions>(GatewayPipelineOptions.Section).InlineScheduling)
        {
            return builder;
        }

        // The socket engine reads this variable on its first use, which has not happened before the
        // host starts. An operator's own value (for example "0") wins.
        if (Environment.GetEnvironmentVariable(InlineCompletionsVariable) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletionsVariable, "1");
        }

        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
        return builder;
    }
}
