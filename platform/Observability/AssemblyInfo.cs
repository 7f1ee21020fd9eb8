using System.Runtime.CompilerServices;

// The observability tests check internals (the exporter's queue, the metric registry) directly.
[assembly: InternalsVisibleTo("EStore.Observability.Tests")]
