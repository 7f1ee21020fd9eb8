using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace EStore.Platform.Hosting;

/// <summary>
/// Every process's OpenAPI 3 document at <c>/openapi/v1.json</c>: titled with the Eureka app name, with the
/// bearer (JWT) security scheme, operations that need a token marked as such. The gateway collects these
/// documents under <c>/api-docs</c>; endpoints excluded from description (actuator) do not appear.
/// </summary>
public static class OpenApiDefaults
{
    /// <summary>The document name, the <c>v1</c> of <c>/openapi/v1.json</c>.</summary>
    public const string DocumentName = "v1";

    /// <summary>Where every process serves its document.</summary>
    public const string DocumentPath = "/openapi/" + DocumentName + ".json";

    /// <summary>The security scheme's name in <c>components.securitySchemes</c>.</summary>
    public const string BearerSchemeName = "Bearer";

    /// <summary>Adds document generation with the EStore title, security scheme and per-operation requirements.</summary>
    public static IServiceCollection AddServiceOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options =>
        {
            options.AddDocumentTransformer((document, context, _) =>
            {
                var identity = context.ApplicationServices.GetRequiredService<ServiceIdentity>();
                document.Info.Title = identity.AppName;
                document.Info.Version = DocumentName;
                EnsureBearerScheme(document);
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var bearer = new OpenApiSecuritySchemeReference(BearerSchemeName, EnsureBearerScheme(context.Document!));
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                var required = metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();
                operation.Security ??= [];
                // A token is optional where the service does not demand one (public reads, manual checks):
                // the empty requirement lets "Try it out" work without one, the bearer one still sends it.
                if (!required)
                {
                    operation.Security.Add(new OpenApiSecurityRequirement());
                }
                operation.Security.Add(new OpenApiSecurityRequirement { [bearer] = [] });
                // The description leaves out parameters bound by BindAsync: read the handler's own parameters.
                DescribeBoundQueryValues(operation, metadata.OfType<MethodInfo>().SelectMany(m => m.GetParameters()).Select(p => p.ParameterType));
                return Task.CompletedTask;
            });
        });

    /// <summary>Maps <see cref="DocumentPath"/>, anonymous (the document describes, it reveals no data).</summary>
    public static IEndpointRouteBuilder MapServiceOpenApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi().AllowAnonymous().ExcludeFromDescription();
        return endpoints;
    }

    private static void DescribeBoundQueryValues(OpenApiOperation operation, IEnumerable<Type> parameterTypes)
    {
        foreach (var type in parameterTypes.Distinct())
        {
            var bound = Nullable.GetUnderlyingType(type) ?? type;
            foreach (var query in bound.GetCustomAttributes(typeof(QueryParameterAttribute), inherit: false).Cast<QueryParameterAttribute>())
            {
                operation.Parameters ??= [];
                if (operation.Parameters.Any(p => p.Name == query.Name && p.In == ParameterLocation.Query))
                {
                    continue;
                }
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = query.Name,
                    In = ParameterLocation.Query,
                    Description = query.Description,
                    Schema = new OpenApiSchema { Type = query.Type },
                });
            }
        }
    }

    // Operation transformers run before document transformers, and a requirement whose scheme
    // is missing from the document is dropped when written: register the scheme first.
    private static OpenApiDocument EnsureBearerScheme(OpenApiDocument document)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes.TryAdd(BearerSchemeName, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "An access token from POST /api/auth/login, without the 'Bearer ' prefix.",
        });
        return document;
    }
}
