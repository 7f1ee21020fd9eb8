using System.Text;
using EStore.Product.Data;
using EStore.Product.Import;
using EStore.Product.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static EStore.Product.Tests.Infrastructure.ImportHelpers;

namespace EStore.Product.Tests;

/// <summary>Import jobs across instances: a dead instance's job is resumed after its lease, two instances never run one job twice.</summary>
[Collection(ProductCollection.Name)]
public sealed class ImportJobTests(ProductStack stack)
{
    [Fact]
    public async Task A_job_left_claimed_by_a_dead_instance_is_resumed_after_its_lease_from_the_last_committed_batch()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var (shop, owner) = await stack.NewShopAsync($"Resume {tag}");
        var csv = string.Join("\r\n", "sku,name,price,stock,categoryPath",
            $"R1-{tag},Resumed {tag},1,1,Kitchen", $"R2-{tag},Resumed {tag},2,2,Kitchen",
            $"R3-{tag},Resumed {tag},3,3,Kitchen", $"R4-{tag},Resumed {tag},4,4,Kitchen");
        var jobId = Guid.NewGuid();
        // As a dead instance leaves it: running, its lease over, the first batch (rows 1-2) committed and reported.
        await stack.WithDbAsync(async db =>
        {
            db.ImportJobs.Add(new ImportJob
            {
                Id = jobId,
                ShopId = shop,
                RequestedBy = Guid.NewGuid(),
                Format = ImportFileReader.Csv,
                State = ImportJobState.Running,
                RowsTotal = 4,
                RowsDone = 2,
                Created = 2,
                Attempts = 1,
                LeaseToken = Guid.NewGuid(),
                LeaseUntil = DateTimeOffset.UtcNow.AddSeconds(-1),
                CreatedAt = DateTimeOffset.UtcNow,
                StartedAt = DateTimeOffset.UtcNow.AddMinutes(-1),
            });
            db.ImportFiles.Add(new ImportFile { JobId = jobId, Content = Encoding.UTF8.GetBytes(csv) });
            db.ImportRows.AddRange(
                new ImportRowResult { JobId = jobId, Row = 1, Sku = $"R1-{tag}", Outcome = ImportRowOutcome.Created },
                new ImportRowResult { JobId = jobId, Row = 2, Sku = $"R2-{tag}", Outcome = ImportRowOutcome.Created });
            return await db.SaveChangesAsync();
        });

        var job = await stack.WaitForImportAsync(jobId, owner);

        Assert.Equal("SUCCEEDED", job.GetProperty("state").GetString());
        Assert.Equal((4, 4), (job.GetProperty("rowsDone").GetInt32(), job.GetProperty("created").GetInt32()));
        Assert.Equal([1, 2, 3, 4], job.GetProperty("rows").GetProperty("items").EnumerateArray().Select(r => r.GetProperty("row").GetInt32()));
        // Rows of the committed batch were not applied again; the rest were, once.
        Assert.Null(await stack.VariantAsync($"R1-{tag}"));
        Assert.Null(await stack.VariantAsync($"R2-{tag}"));
        Assert.Equal(3, (await stack.VariantAsync($"R3-{tag}"))!.Stock);
        Assert.Single(await stack.LedgerAsync($"R4-{tag}"));
        Assert.Equal(2, await stack.WithDbAsync(db => db.ImportJobs.Where(j => j.Id == jobId).Select(j => j.Attempts).SingleAsync()));
    }

    [Fact]
    public async Task Two_instances_on_one_database_run_each_job_exactly_once()
    {
        await using var second = stack.StartInstance();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var (shop, owner) = await stack.NewShopAsync($"Twice {tag}");
        var jobs = new List<Guid>();
        for (var j = 0; j < 6; j++)
        {
            var lines = Enumerable.Range(1, 5).Select(i => $"T{j}-{i}-{tag},Twice {tag} {j},{i},{i},Kitchen").Prepend("sku,name,price,stock,categoryPath").ToArray();
            // Half the jobs are stored through each instance; either may work any of them.
            using var response = await (j % 2 == 0 ? stack.Product.Http : second.Http).SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/products/import?shopId={shop}")
            {
                Content = Csv(lines),
                Headers = { Authorization = new("Bearer", owner) },
            });
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, text);
            jobs.Add(System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid());
        }

        foreach (var id in jobs)
        {
            var job = await stack.WaitForImportAsync(id, owner);
            Assert.Equal("SUCCEEDED", job.GetProperty("state").GetString());
            Assert.Equal(5, job.GetProperty("rows").GetProperty("total").GetInt32());
            Assert.Equal(5, job.GetProperty("created").GetInt32());
        }
        Assert.All(await stack.WithDbAsync(db => db.ImportJobs.Where(j => jobs.Contains(j.Id)).Select(j => j.Attempts).ToListAsync()), attempts => Assert.Equal(1, attempts));
        for (var j = 0; j < 6; j++)
        {
            for (var i = 1; i <= 5; i++)
            {
                var line = Assert.Single(await stack.LedgerAsync($"T{j}-{i}-{tag}"));
                Assert.Equal((i, "import"), (line.Delta, line.Reason));
            }
        }
    }
}
