using EStore.Discovery.Replication;
using Microsoft.AspNetCore.Http;

namespace EStore.Discovery.Tests;

public sealed class ReplicationRequestTests
{
    [Theory]
    [InlineData("/eureka/apps/ORDERS", "true", true)]
    [InlineData("/eureka/apps/ORDERS", "True", false)]
    [InlineData("/eureka/apps/ORDERS", "false", false)]
    [InlineData("/eureka/apps/ORDERS", null, false)]
    [InlineData("/eureka/v2/peerreplication/batch/", null, true)]
    [InlineData("/eureka/PeerReplication/Batch", null, true)]
    public void Only_the_exact_header_value_true_or_a_batch_request_is_a_replication(string path, string? header, bool expected)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        if (header is not null)
        {
            context.Request.Headers[ReplicationRequest.HeaderName] = header;
        }

        Assert.Equal(expected, ReplicationRequest.IsReplication(context.Request));
    }
}
