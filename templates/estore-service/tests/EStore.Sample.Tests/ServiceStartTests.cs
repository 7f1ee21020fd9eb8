using EStore.Sample.Data;

namespace EStore.Sample.Tests;

/// <summary>sample-service in a <see cref="ServiceStack{TEntryPoint}"/>: PostgreSQL, the mock broker, test tokens.</summary>
public sealed class SampleStack() : ServiceStack<Program>("sample");

/// <summary>sample-service starts as the mesh runs it, before any domain code (the checks are the test kit's).</summary>
public sealed class ServiceStartTests(SampleStack stack)
    : ServiceStartChecks<Program, SampleDbContext>(stack, "sample-service", "/api/route-prefix"), IClassFixture<SampleStack>;
