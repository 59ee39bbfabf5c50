using Dapper;
using FluentValidation;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Errors;
using Marketplace.Api.Common.Http;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Api.Features.Companies;
using Marketplace.Domain.Geo;
using Marketplace.Domain.Reference;
using Marketplace.Infrastructure.Database;
using Mediator;

namespace Marketplace.Api.Features.Sites;

/// api.md: `regionCode` is required without a cluster; with one it defaults, at write time, to
/// the cluster's region, and may differ from it when given.
public static class CreateSite
{
    public sealed record Body
    {
        public string? Name { get; init; }
        public double? Lat { get; init; }
        public double? Lon { get; init; }
        public string? ClusterId { get; init; }
        public string? RegionCode { get; init; }
    }

    public sealed record Command(string CompanyId, JsonBody<Body> Body) : ICommand<SiteDto>, IHasBody, IWrite
    {
        IJsonBody IHasBody.Body => Body;
    }

    public const string ClusterIdMessage = "'clusterId' must be the id of an existing cluster.";

    public sealed class Validator : AbstractValidator<Body>
    {
        public Validator(ReferenceData reference)
        {
            RuleFor(x => x.Name).Must(CompanyRules.ValidName).WithMessage(CompanyRules.NameMessage);
            RuleFor(x => x.Lat).NotNull().Must(v => v is null || GeoPoint.IsValidLatitude(v.Value)).WithMessage("'lat' must be from -90 to 90.");
            RuleFor(x => x.Lon).NotNull().Must(v => v is null || GeoPoint.IsValidLongitude(v.Value)).WithMessage("'lon' must be from -180 to 180.");
            RuleFor(x => x.ClusterId).Must(c => c is null || Domain.Id.IsValid(c)).WithMessage(ClusterIdMessage);
            RuleFor(x => x.RegionCode).NotNull().When(x => x.ClusterId is null)
                .WithMessage("'regionCode' is required when no clusterId is given.");
            RuleFor(x => x.RegionCode).Must(c => c is null || reference.IsRuRegion(c))
                .WithMessage("'regionCode' must be an ISO 3166-2:RU code such as RU-KLU.");
        }
    }

    /// The company itself (any role), its partners and admins; 404 to others.
    public sealed class Authorizer(Db db) : IAuthorizer<Command>
    {
        public async ValueTask AuthorizeAsync(Command message, Caller caller, CancellationToken ct) =>
            await CompanyAccess.VisibleAsync(db, message.CompanyId, caller, ct);
    }

    public sealed class Handler(Db db, RequestContext context) : ICommandHandler<Command, SiteDto>
    {
        public async ValueTask<SiteDto> Handle(Command command, CancellationToken ct)
        {
            var b = command.Body.Value;
            await using var connection = await db.OpenAsync(ct);
            await using var tx = await db.BeginWriteAsync(connection, ct);
            Guid? clusterId = b.ClusterId is null ? null : Guid.Parse(b.ClusterId);
            var regionCode = b.RegionCode;
            if (clusterId is not null)
            {
                var clusterRegion = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
                    "SELECT region_code FROM clusters WHERE id = @clusterId", new { clusterId }, tx, cancellationToken: ct))
                    ?? throw ValidationErrors.Field("clusterId", ClusterIdMessage);
                regionCode ??= clusterRegion;
            }
            var site = new SiteDto(Domain.Id.New(), Guid.Parse(command.CompanyId), b.Name!.Trim(), b.Lat!.Value, b.Lon!.Value,
                clusterId, regionCode!, context.Now);
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO sites (id, company_id, name, lat, lon, cluster_id, region_code, created_at, updated_at)
                VALUES (@Id, @CompanyId, @Name, @Lat, @Lon, @ClusterId, @RegionCode, @CreatedAt, @CreatedAt)
                """, site, tx, cancellationToken: ct));
            await ChangeFeed.RecordAsync(connection, tx, db.Dialect, ChangeKinds.Site, site.Id, site.CreatedAt, ct);
            await tx.CommitAsync(ct);
            return site;
        }
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapPost("", async (string id, HttpContext http, IMediator mediator, CancellationToken ct) =>
            {
                var site = await mediator.Send(new Command(id, JsonBody<Body>.From(http)), ct);
                return Results.Created($"/api/v1/companies/{site.CompanyId}/sites/{site.Id}", site);
            })
            .AcceptsJson<Body>("application/json")
            .Produces<SiteDto>(StatusCodes.Status201Created)
            .WithSummary("Add a site (the company, its partner, admins).");
}
