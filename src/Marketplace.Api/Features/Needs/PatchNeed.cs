using Dapper;
using FluentValidation;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Errors;
using Marketplace.Api.Common.Http;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Infrastructure.Database;
using Mediator;

namespace Marketplace.Api.Features.Needs;

/// JSON Merge Patch of a draft need: the fields POST accepts, with If-Match required (428) and
/// checked (412), both after the body's validity (400) and before the state (409).
public static class PatchNeed
{
    public sealed record Body
    {
        public Optional<string> Title { get; init; }
        public Optional<string> CategoryCode { get; init; }
        public Optional<double?> QuantityPerMonth { get; init; }
        public Optional<string> Unit { get; init; }
        public Optional<List<string?>> RequiredCertifications { get; init; }
        public Optional<string> DeliverySiteId { get; init; }
        public Optional<double?> CurrentLocalShare { get; init; }
        public Optional<double?> MinLocalShare { get; init; }
        public Optional<decimal?> AnnualValue { get; init; }
        public Optional<string> Currency { get; init; }
        public Optional<string> Scope { get; init; }
        public Optional<double?> RadiusKm { get; init; }
        public Optional<WeightsPatch> Weights { get; init; }
        public Optional<double?> ProximityScaleKm { get; init; }

        /// Null on a required field stays null (and fails validation); null on an optional one
        /// restores its default (api.md).
        public NeedInput ApplyTo(NeedInput current) => new()
        {
            Title = Title.Or(current.Title), CategoryCode = CategoryCode.Or(current.CategoryCode),
            QuantityPerMonth = QuantityPerMonth.Or(current.QuantityPerMonth), Unit = Unit.Or(current.Unit),
            RequiredCertifications = RequiredCertifications.IsSet ? RequiredCertifications.Value ?? [] : current.RequiredCertifications,
            DeliverySiteId = DeliverySiteId.Or(current.DeliverySiteId), CurrentLocalShare = CurrentLocalShare.Or(current.CurrentLocalShare),
            MinLocalShare = MinLocalShare.IsSet ? MinLocalShare.Value ?? 0 : current.MinLocalShare,
            AnnualValue = AnnualValue.Or(current.AnnualValue),
            Currency = Currency.IsSet ? Currency.Value ?? "RUB" : current.Currency,
            Scope = Scope.IsSet ? Scope.Value ?? NeedScopes.Cluster : current.Scope,
            RadiusKm = RadiusKm.Or(current.RadiusKm),
            Weights = Weights.IsSet ? Weights.Value?.MergeInto(current.Weights) : current.Weights,
            ProximityScaleKm = ProximityScaleKm.Or(current.ProximityScaleKm),
        };
    }

    /// RFC 7396 merges a patch object into the target object key by key (a target without
    /// weights counts as `{}`); a null member removes that key, which validation then reports.
    public sealed record WeightsPatch
    {
        public Optional<double?> Proximity { get; init; }
        public Optional<double?> Capability { get; init; }
        public Optional<double?> Localization { get; init; }

        public WeightsInput MergeInto(WeightsInput? current) => new()
        {
            Proximity = Proximity.Or(current?.Proximity),
            Capability = Capability.Or(current?.Capability),
            Localization = Localization.Or(current?.Localization),
        };
    }

    public sealed record Command(string Id, string? IfMatch, JsonBody<Body> Body) : ICommand<NeedDto>, IHasBody, IWrite
    {
        IJsonBody IHasBody.Body => Body;
    }

    public sealed class Authorizer(NeedAccess access) : IAuthorizer<Command>
    {
        public async ValueTask AuthorizeAsync(Command message, Caller caller, CancellationToken ct) =>
            await access.OwnerActionAsync(message.Id, caller, ct);
    }

    public sealed class Handler(Db db, RequestContext context, IValidator<NeedInput> validator) : ICommandHandler<Command, NeedDto>
    {
        public async ValueTask<NeedDto> Handle(Command command, CancellationToken ct)
        {
            var now = context.Now;
            await using var connection = await db.OpenAsync(ct);
            await using var tx = await db.BeginWriteAsync(connection, ct);
            var current = await NeedSql.VisibleAsync(connection, tx, db.Dialect, context.Caller, command.Id, ct);
            var merged = command.Body.Value.ApplyTo(current.ToInput());
            var invalid = (await validator.ValidateAsync(merged, ct)).Errors;
            if (invalid.Count > 0) throw new ValidationException(invalid);
            if (command.IfMatch is null) throw ApiException.PreconditionRequired();
            if (!ETags.Matches(command.IfMatch, current.ToDto(now).ETag)) throw ApiException.PreconditionFailed();
            current.Tender().EnsureDraft(now);
            await NeedWrites.RequireOwnSiteAsync(connection, tx, current.OwnerId, merged.DeliverySiteId!, ct);
            await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE needs SET title = @title, category_code = @categoryCode, quantity_per_month = @quantity, unit = @unit,
                    required_certifications = @certifications, delivery_site_id = @siteId, current_local_share = @current,
                    min_local_share = @min, annual_value = @annualValue, currency = @currency, scope = @scope, radius_km = @radius,
                    weight_proximity = @wp, weight_capability = @wc, weight_localization = @wl, proximity_scale_km = @scale,
                    version = version + 1, updated_at = @now
                WHERE id = @id
                """, NeedWrites.Columns(merged, current.Id, current.OwnerId, now), tx, cancellationToken: ct));
            var patched = await NeedSql.VisibleAsync(connection, tx, db.Dialect, context.Caller, command.Id, ct);
            await tx.CommitAsync(ct);
            return patched.ToDto(now);
        }
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapPatch("{id}", async (string id, HttpContext http, IMediator mediator, CancellationToken ct) =>
            {
                var ifMatch = http.Request.Headers.IfMatch.Count > 0 ? http.Request.Headers.IfMatch.ToString() : null;
                var need = await mediator.Send(new Command(id, ifMatch, JsonBody<Body>.From(http, BodyMode.MergePatch)), ct);
                http.Response.Headers.ETag = need.ETag;
                return Results.Ok(need);
            })
            .AcceptsJson<NeedInput>("application/merge-patch+json", "application/json")
            .Produces<NeedDto>()
            .WithSummary("Change a draft need (JSON Merge Patch; If-Match required).");
}
