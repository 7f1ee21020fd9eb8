using EStore.Security.Tests.Infrastructure;

namespace EStore.Security.Tests;

/// <summary>
/// The suite cannot silently miss an endpoint: every operation in every service's OpenAPI document (read through the
/// gateway's <c>/api-docs</c>) has a case in <see cref="SecurityCases"/>, and every case names a real operation.
/// </summary>
[Trait("Suite", "security")]
[Collection(SecurityMeshCollection.Name)]
public sealed class CatalogTests(SecurityMesh mesh)
{
    [Fact]
    public async Task Every_operation_of_every_service_has_a_security_case_and_every_case_names_a_real_operation()
    {
        var catalog = await OperationCatalog.ReadAsync(mesh);
        var documented = catalog.Select(o => o.Key).ToHashSet(StringComparer.Ordinal);

        var unclassified = catalog.Where(o => !SecurityCases.ByKey.ContainsKey(o.Key)).Select(o => o.ToString()).ToList();
        var stale = SecurityCases.All.Where(c => !documented.Contains(c.Key) && !SecurityCases.GatewayOwn.Contains(c.Key)).Select(c => c.Key).ToList();

        Assert.True(unclassified.Count == 0, $"operations without a security case (add one to SecurityCases):\n{string.Join("\n", unclassified)}");
        Assert.True(stale.Count == 0, $"cases for operations no document describes:\n{string.Join("\n", stale)}");
    }

    [Fact]
    public async Task Every_operation_with_an_id_in_its_path_is_attacked_with_a_real_resource_of_someone_else()
    {
        var world = await mesh.WorldAsync();
        var catalog = await OperationCatalog.ReadAsync(mesh);

        // An id in the path is someone's resource: the case must be one that is attacked with a real id, not "public" or
        // "self", and the path it builds must carry a real seeded id in place of each parameter.
        var seeded = world.VictimIds.Concat([world.A.Id, world.ShopId, world.RivalShopId, world.ProductId, world.VariantId, SecurityMesh.Kitchen])
            .Select(id => id.ToString()).ToHashSet(StringComparer.Ordinal);
        var wrong = new List<string>();
        foreach (var operation in catalog.Where(o => o.PathParameters.Count > 0))
        {
            var @case = SecurityCases.ByKey[operation.Key];
            var ids = @case.Path(world).Split('?')[0].Split('/').Where(segment => Guid.TryParse(segment, out _)).ToList();
            if (ids.Count != operation.PathParameters.Count || !ids.All(seeded.Contains))
            {
                wrong.Add($"{operation}: path {@case.Path(world)} does not name a seeded resource for each of {string.Join(", ", operation.PathParameters)}");
            }
            if (@case.Access is Access.Self)
            {
                wrong.Add($"{operation}: an id-bearing operation classified as {@case.Access}");
            }
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }
}
