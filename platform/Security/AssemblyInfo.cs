using System.Runtime.CompilerServices;

// The identity tests exercise the JWKS parser and the kid reader directly.
[assembly: InternalsVisibleTo("EStore.Identity.Tests")]
