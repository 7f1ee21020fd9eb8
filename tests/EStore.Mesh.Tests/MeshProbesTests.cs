namespace EStore.Mesh.Tests;

public sealed class MeshProbesTests
{
    [Theory]
    [InlineData("""{"status":"UP","components":{"db":{"status":"UP"}}}""", true)]
    [InlineData("""{"status":"DOWN"}""", false)]
    [InlineData("""{"components":{"db":{"status":"UP"}}}""", false)]
    public void Health_is_up_only_when_the_top_level_status_says_so(string json, bool up) =>
        Assert.Equal(up, MeshProbes.IsUp(json));

    [Fact]
    public void Eureka_instances_read_from_an_array_or_a_lone_object()
    {
        var many = """{"application":{"name":"PRODUCT-SERVICE","instance":[{"port":{"$":43123,"@enabled":"true"},"status":"UP"},{"port":{"$":"43124","@enabled":"true"},"status":"STARTING"}]}}""";
        var one = """{"application":{"name":"PRODUCT-SERVICE","instance":{"port":{"$":8082,"@enabled":"true"},"status":"UP"}}}""";

        Assert.Equal([(43123, "UP"), (43124, "STARTING")], MeshProbes.EurekaInstances(many));
        Assert.Equal([(8082, "UP")], MeshProbes.EurekaInstances(one));
        Assert.Empty(MeshProbes.EurekaInstances("{}"));
    }

    [Fact]
    public void Gateway_destination_ports_come_from_the_named_cluster_only()
    {
        var json = """
            {"clusters":[
              {"clusterId":"cart-service","destinations":[{"id":"c1","address":"http://127.0.0.1:9000/"}]},
              {"clusterId":"product-service","destinations":[{"id":"a","address":"http://127.0.0.1:43123/"},{"id":"b","address":"http://127.0.0.1:43124"}]}],
             "routes":[]}
            """;

        Assert.Equal([43123, 43124], MeshProbes.GatewayDestinationPorts(json, "product-service"));
        Assert.Null(MeshProbes.GatewayDestinationPorts(json, "order-service"));
    }
}
