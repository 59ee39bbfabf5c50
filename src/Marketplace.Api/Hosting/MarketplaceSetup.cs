using FluentValidation;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Errors;
using Marketplace.Api.Common.Http;
using Marketplace.Api.Common.Idempotency;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Api.Features.Analytics;
using Marketplace.Api.Features.ApiKeys;
using Marketplace.Api.Features.Bids;
using Marketplace.Api.Features.Needs;
using Marketplace.Api.Features.Capabilities;
using Marketplace.Api.Features.Catalogs;
using Marketplace.Api.Features.Changes;
using Marketplace.Api.Features.Clusters;
using Marketplace.Api.Features.Companies;
using Marketplace.Api.Features.Health;
using Marketplace.Api.Features.Matching;
using Marketplace.Api.Features.Partners;
using Marketplace.Api.Features.Sites;
using Marketplace.Api.Seeding;
using Marketplace.Infrastructure.Catalog;
using Marketplace.Infrastructure.Database;
using Marketplace.Infrastructure.Matching;
using Marketplace.Infrastructure.Reference;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Marketplace.Api.Hosting;

public static class MarketplaceSetup
{
    public static WebApplicationBuilder AddMarketplace(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var config = builder.Configuration;
        services.AddSingleton(config.GetSection("Marketplace:Database").Get<DatabaseOptions>() ?? new DatabaseOptions());
        services.AddSingleton<Db>();
        services.AddSingleton<Migrator>();
        services.AddSingleton<SupplyIndex>();
        services.AddHostedService<SupplyIndexSync>();
        services.AddSingleton(ReferenceDataLoader.Load());
        services.AddSingleton<CatalogImporter>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<AdminKeys>();
        services.AddSingleton<DemoSeeder>();
        services.AddSingleton<StartupTasks>();
        services.AddScoped<RequestContext>();
        services.AddScoped<NeedAccess>();
        services.AddScoped<IdempotencyContext>();
        services.AddSingleton<IdempotencyStore>();
        services.AddHostedService<IdempotencyCleanup>();
        services.AddHttpContextAccessor();

        services.AddMarketplaceMediator();
        ValidatorOptions.Global.PropertyNameResolver = (_, member, expression) =>
            member is null ? null : ValidationNames.CamelCase(expression?.ToString(), member.Name);
        ValidatorOptions.Global.DisplayNameResolver = (_, member, expression) =>
            member is null ? null : ValidationNames.CamelCase(expression?.ToString(), member.Name);
        AddValidators(services);
        AddAuthorizers(services);

        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(o => JsonSettings.Configure(o.SerializerOptions));
        services.AddMarketplaceOpenApi();
        return builder;
    }

    /// The one place the mediator is registered (the source generator reads this call at compile
    /// time, so the tests reach it through the app instead of calling AddMediator themselves).
    public static IServiceCollection AddMarketplaceMediator(this IServiceCollection services) =>
        services.AddMediator(options =>
        {
            options.ServiceLifetime = ServiceLifetime.Scoped;
            options.PipelineBehaviors =
            [
                typeof(AuthorizationBehaviour<,>),
                typeof(BodyBehaviour<,>),
                typeof(IdempotencyBehaviour<,>),
                typeof(ValidationBehaviour<,>),
            ];
        });

    public static WebApplication UseMarketplace(this WebApplication app)
    {
        app.UseMiddleware<IdempotencyMiddleware>();
        app.UseExceptionHandler();
        app.UseMiddleware<IdempotentReplayMiddleware>();
        app.UseMiddleware<AuthenticationMiddleware>();
        app.UseMarketplaceOpenApi();
        app.MapHealth();
        app.MapClusters();
        app.MapCompanies();
        app.MapApiKeys();
        app.MapPartners();
        app.MapSites();
        app.MapCapabilities();
        app.MapNeeds();
        app.MapBids();
        app.MapCatalogs();
        GetMatches.Map(app);
        GetLocalization.Map(app);
        GetCatalogAnalytics.Map(app);
        ListChanges.Map(app);
        app.MapFallback("/api/{**path}", () => Results.Problem(ProblemExceptionHandler.Create(
            404, ErrorCodes.NotFound, "No such resource.", null)));
        return app;
    }

    /// Validators are built once: building one compiles its rules' expression trees, which cost
    /// more than the rest of a GET when it happened per request (docs/benchmarks.md, issue 5).
    /// A validator that takes a per-request service (PublishNeed's reads RequestContext.Now)
    /// stays scoped.
    private static void AddValidators(IServiceCollection services)
    {
        var scoped = services.Where(d => d.Lifetime == ServiceLifetime.Scoped).Select(d => d.ServiceType).ToHashSet();
        bool PerRequest(AssemblyScanner.AssemblyScanResult r) =>
            r.ValidatorType.GetConstructors().Any(c => c.GetParameters().Any(p => scoped.Contains(p.ParameterType)));
        var assembly = typeof(MarketplaceSetup).Assembly;
        services.AddValidatorsFromAssembly(assembly, ServiceLifetime.Singleton, r => !PerRequest(r), includeInternalTypes: true);
        services.AddValidatorsFromAssembly(assembly, ServiceLifetime.Scoped, PerRequest, includeInternalTypes: true);
    }

    private static void AddAuthorizers(IServiceCollection services)
    {
        var authorizers = typeof(MarketplaceSetup).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false })
            .SelectMany(t => t.GetInterfaces()
                .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IAuthorizer<>))
                .Select(i => (Service: i, Implementation: t)));
        foreach (var (service, implementation) in authorizers)
            services.AddScoped(service, implementation);
    }
}
