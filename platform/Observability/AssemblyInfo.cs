using System.Runtime.CompilerServices;

// The observability tests read the actuator metrics collector and the B3 propagator directly.
[assembly: InternalsVisibleTo("EStore.Observability.Tests")]
