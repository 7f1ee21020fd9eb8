namespace EStore.Identity.Dtos;

/// <summary>One public key as <c>/.well-known/jwks.json</c> shows it (RFC 7517).</summary>
public sealed record JsonWebKeyDto(string Kty, string Use, string Alg, string Kid, string N, string E);

/// <summary>The JWKS document.</summary>
public sealed record JsonWebKeySetDto(IReadOnlyList<JsonWebKeyDto> Keys);

/// <summary>The OpenID Connect discovery document (the parts that describe our tokens and keys).</summary>
public sealed record OpenIdConfigurationDto(
    [property: System.Text.Json.Serialization.JsonPropertyName("issuer")] string Issuer,
    [property: System.Text.Json.Serialization.JsonPropertyName("jwks_uri")] string JwksUri,
    [property: System.Text.Json.Serialization.JsonPropertyName("token_endpoint")] string TokenEndpoint,
    [property: System.Text.Json.Serialization.JsonPropertyName("grant_types_supported")] IReadOnlyList<string> GrantTypesSupported,
    [property: System.Text.Json.Serialization.JsonPropertyName("response_types_supported")] IReadOnlyList<string> ResponseTypesSupported,
    [property: System.Text.Json.Serialization.JsonPropertyName("subject_types_supported")] IReadOnlyList<string> SubjectTypesSupported,
    [property: System.Text.Json.Serialization.JsonPropertyName("id_token_signing_alg_values_supported")] IReadOnlyList<string> IdTokenSigningAlgValuesSupported,
    [property: System.Text.Json.Serialization.JsonPropertyName("token_endpoint_auth_methods_supported")] IReadOnlyList<string> TokenEndpointAuthMethodsSupported,
    [property: System.Text.Json.Serialization.JsonPropertyName("claims_supported")] IReadOnlyList<string> ClaimsSupported);
