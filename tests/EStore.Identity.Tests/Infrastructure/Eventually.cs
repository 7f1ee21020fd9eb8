namespace EStore.Identity.Tests.Infrastructure;

/// <summary>Bounded polling for effects that arrive asynchronously (events, revocations).</summary>
public static class Eventually
{
    public static async Task<T> GetAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for {what}; last value: {value}");
            }
            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(50));
        }
    }
}
