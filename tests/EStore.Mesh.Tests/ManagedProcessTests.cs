using System.Diagnostics;

namespace EStore.Mesh.Tests;

public sealed class ManagedProcessTests
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task StopAsync_terminates_the_broker_with_SIGTERM_so_it_exits_0_and_its_pid_is_gone()
    {
        var dll = RepositoryLayout.Discover().FindDll(ServiceCatalog.BrokerProjectName);
        Assert.NotNull(dll);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var info = ManagedProcessStartInfo.ForDotnet("broker", dll);
        info.OnOutput = line =>
        {
            if (line.Text.StartsWith("BOOTSTRAP_SERVERS=", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        await using var process = ManagedProcess.Start(info);
        await ready.Task.WaitAsync(Bounded);

        var clock = Stopwatch.StartNew();
        var exitCode = await process.StopAsync(TimeSpan.FromSeconds(10)).WaitAsync(Bounded);

        Assert.Equal(0, exitCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(9), $"the broker took {clock.Elapsed} to stop: it ignored SIGTERM");
        Assert.Contains(process.GetRecentLines(), l => l.Contains("stopping (SIGTERM)", StringComparison.Ordinal));
        Assert.False(ProcessExists(process.Pid));
    }

    [Fact]
    public async Task StopAsync_kills_a_process_that_ignores_SIGTERM_once_the_grace_period_ends()
    {
        var info = new ManagedProcessStartInfo("stubborn", "/bin/sh");
        info.Arguments.Add("-c");
        info.Arguments.Add("trap '' TERM; echo ready; while true; do sleep 1; done");
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        info.OnOutput = line => ready.TrySetResult();
        await using var process = ManagedProcess.Start(info);
        await ready.Task.WaitAsync(Bounded);

        var clock = Stopwatch.StartNew();
        var exitCode = await process.StopAsync(TimeSpan.FromMilliseconds(500)).WaitAsync(Bounded);

        Assert.Equal(128 + 9, exitCode);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(10));
        Assert.False(ProcessExists(process.Pid));
    }

    [Fact]
    public async Task Output_lines_reach_the_callback_with_the_process_name_and_stream()
    {
        var lines = new List<ProcessLogLine>();
        var info = new ManagedProcessStartInfo("echo#1", "/bin/sh") { OnOutput = l => { lock (lines) { lines.Add(l); } } };
        info.Arguments.Add("-c");
        info.Arguments.Add("echo \"out $MESH_TEST_VALUE\"; echo err >&2; exit 3");
        info.Environment["MESH_TEST_VALUE"] = "from-env";

        await using var process = ManagedProcess.Start(info);

        Assert.Equal(3, await process.Exited.WaitAsync(Bounded));
        lock (lines)
        {
            Assert.Contains(lines, l => l is { Source: "echo#1", Text: "out from-env", IsError: false });
            Assert.Contains(lines, l => l is { Source: "echo#1", Text: "err", IsError: true });
        }
    }

    [Fact]
    public void Start_reports_an_executable_that_does_not_exist_by_name()
    {
        var info = new ManagedProcessStartInfo("ghost#1", "/nonexistent/estore-no-such-binary");

        var ex = Assert.Throws<InvalidOperationException>(() => ManagedProcess.Start(info));
        Assert.Contains("ghost#1", ex.Message, StringComparison.Ordinal);
    }

    private static bool ProcessExists(int pid) => Directory.Exists($"/proc/{pid}");
}
