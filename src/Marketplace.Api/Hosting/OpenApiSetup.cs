using System.Text;
using Marketplace.Api.Common.Errors;
using Marketplace.Api.Common.Http;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Marketplace.Api.Hosting;

public static class OpenApiSetup
{
    public static IServiceCollection AddMarketplaceOpenApi(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(o =>
        {
            var description = new StringBuilder(
                "Supplier matching for industrial clusters. Authenticate with `Authorization: Bearer <api key>`.\n\n" +
                "Errors are RFC 9457 problem details with a stable `code`:\n\n");
            foreach (var (code, text) in ErrorCodes.Descriptions) description.Append($"- `{code}`: {text}\n");
            o.SwaggerDoc("v1", new OpenApiInfo { Title = "Marketplace API", Version = "v1", Description = description.ToString() });
            o.AddSecurityDefinition("bearer", new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "An API key.",
            });
            o.AddSecurityRequirement(document => new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference("bearer", document)] = [],
            });
            o.OperationFilter<JsonBodyOperationFilter>();
            o.CustomSchemaIds(t => t.FullName!.Replace("Marketplace.Api.Features.", "").Replace('+', '.'));
        });
        services.Replace(ServiceDescriptor.Transient<ISerializerDataContractResolver>(s =>
            new OptionalAwareDataContractResolver(new JsonSerializerDataContractResolver(
                s.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions))));
        return services;
    }

    public static WebApplication UseMarketplaceOpenApi(this WebApplication app)
    {
        app.UseSwagger();
        app.UseSwaggerUI(o => o.SwaggerEndpoint("/swagger/v1/swagger.json", "Marketplace API v1"));
        return app;
    }
}

/// A merge-patch member (`Optional<T>`) is T on the wire (OptionalConverterFactory): document it as T,
/// not as the wrapper struct's own properties.
internal sealed class OptionalAwareDataContractResolver(ISerializerDataContractResolver inner) : ISerializerDataContractResolver
{
    public DataContract GetDataContractForType(Type type) => inner.GetDataContractForType(
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Optional<>) ? type.GetGenericArguments()[0] : type);
}

/// Adds the request body of endpoints that read their JSON in the pipeline (JsonBodyMetadata).
internal sealed class JsonBodyOperationFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<JsonBodyMetadata>().FirstOrDefault();
        if (metadata is null) return;
        var schema = context.SchemaGenerator.GenerateSchema(metadata.BodyType, context.SchemaRepository);
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = metadata.ContentTypes.ToDictionary(ct => ct, _ => new OpenApiMediaType { Schema = schema }),
        };
    }
}
