using FluentValidation;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Errors;
using Marketplace.Api.Common.Http;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Domain;
using Marketplace.Domain.Catalog;
using Marketplace.Domain.Geo;
using Marketplace.Domain.Reference;
using Marketplace.Infrastructure.Database;
using Mediator;

namespace Marketplace.Api.Features.Clusters;

public static class CreateCluster
{
    public sealed record Body
    {
        public string? Name { get; init; }
        public string? RegionCode { get; init; }
        public string? RegionName { get; init; }
        public CenterBody? Center { get; init; }
        public List<string?>? Specializations { get; init; }
        public double? LocalSourcingThreshold { get; init; }
    }

    public sealed record CenterBody
    {
        public double? Lat { get; init; }
        public double? Lon { get; init; }
    }

    public sealed record Command(JsonBody<Body> Body) : ICommand<ClusterDto>, IHasBody, IWrite
    {
        IJsonBody IHasBody.Body => Body;
    }

    public sealed class Validator : AbstractValidator<Body>
    {
        public Validator(ReferenceData reference)
        {
            RuleFor(x => x.Name).NotNull().NotEmpty().Must(n => !string.IsNullOrWhiteSpace(n)).WithMessage("'name' must not be blank.")
                .MaximumLength(Limits.NameMaxLength);
            RuleFor(x => x.RegionCode).NotNull()
                .Must(c => c is null || reference.IsRuRegion(c)).WithMessage("'regionCode' must be an ISO 3166-2:RU code such as RU-KLU.");
            RuleFor(x => x.RegionName).Must(n => n is null || !string.IsNullOrWhiteSpace(n)).WithMessage("'regionName' must not be blank.")
                .MaximumLength(Limits.NameMaxLength);
            RuleFor(x => x.Center).NotNull();
            RuleFor(x => x.Center!.Lat).NotNull().Must(v => v is null || GeoPoint.IsValidLatitude(v.Value))
                .WithMessage("'center.lat' must be from -90 to 90.").When(x => x.Center is not null);
            RuleFor(x => x.Center!.Lon).NotNull().Must(v => v is null || GeoPoint.IsValidLongitude(v.Value))
                .WithMessage("'center.lon' must be from -180 to 180.").When(x => x.Center is not null);
            RuleFor(x => x.Specializations).Must(s => s is null || s.Count <= 100).WithMessage("At most 100 specializations.");
            RuleForEach(x => x.Specializations).NotNull()
                .Must(CategoryCode.IsValidSpecialization).WithMessage("Each specialization is a prefix such as 25 or 25.62.");
            RuleFor(x => x.LocalSourcingThreshold).InclusiveBetween(0, 1);
        }
    }

    public sealed class Authorizer : IAuthorizer<Command>
    {
        public ValueTask AuthorizeAsync(Command message, Caller caller, CancellationToken ct) =>
            caller.IsAdmin ? ValueTask.CompletedTask : throw ApiException.AdminOnly();
    }

    public sealed class Handler(Db db, RequestContext context, ReferenceData reference) : ICommandHandler<Command, ClusterDto>
    {
        public async ValueTask<ClusterDto> Handle(Command command, CancellationToken ct)
        {
            var b = command.Body.Value;
            var cluster = new ClusterDto(
                Id.New(), b.Name!.Trim(), b.RegionCode!, b.RegionName?.Trim() ?? reference.RuRegionName(b.RegionCode!)!,
                new GeoPointDto(b.Center!.Lat!.Value, b.Center.Lon!.Value),
                (b.Specializations ?? []).Select(s => s!).Distinct(StringComparer.Ordinal).ToList(),
                b.LocalSourcingThreshold ?? 0.2, context.Now);
            await using var connection = await db.OpenAsync(ct);
            await using var tx = await db.BeginWriteAsync(connection, ct);
            await ClusterSql.InsertAsync(connection, tx, cluster, ct);
            await tx.CommitAsync(ct);
            return cluster;
        }
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapPost("", async (HttpContext http, IMediator mediator, CancellationToken ct) =>
            {
                var cluster = await mediator.Send(new Command(JsonBody<Body>.From(http)), ct);
                return Results.Created($"/api/v1/clusters/{cluster.Id}", cluster);
            })
            .AcceptsJson<Body>("application/json")
            .Produces<ClusterDto>(StatusCodes.Status201Created)
            .WithSummary("Register a cluster (admin).");
}
