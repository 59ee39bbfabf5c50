using Dapper;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Http;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Infrastructure.Database;
using Mediator;

namespace Marketplace.Api.Features.Needs;

public static class CreateNeed
{
    public sealed record Command(JsonBody<NeedInput> Body) : ICommand<NeedDto>, IHasBody, IWrite
    {
        IJsonBody IHasBody.Body => Body;
    }

    public sealed class Authorizer : IAuthorizer<Command>
    {
        public ValueTask AuthorizeAsync(Command message, Caller caller, CancellationToken ct)
        {
            NeedWrites.RequirePoster(caller);
            return ValueTask.CompletedTask;
        }
    }

    public sealed class Handler(Db db, RequestContext context) : ICommandHandler<Command, NeedDto>
    {
        public async ValueTask<NeedDto> Handle(Command command, CancellationToken ct)
        {
            var input = command.Body.Value;
            var owner = context.Caller.CompanyId!.Value;
            var id = Domain.Id.New();
            await using var connection = await db.OpenAsync(ct);
            await using var tx = await db.BeginWriteAsync(connection, ct);
            await NeedWrites.RequireOwnSiteAsync(connection, tx, owner, input.DeliverySiteId!, ct);
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO needs (id, owner_id, title, category_code, quantity_per_month, unit, required_certifications,
                    delivery_site_id, current_local_share, min_local_share, annual_value, currency, scope, radius_km,
                    weight_proximity, weight_capability, weight_localization, proximity_scale_km, status, version, created_at, updated_at)
                VALUES (@id, @ownerId, @title, @categoryCode, @quantity, @unit, @certifications, @siteId, @current, @min,
                    @annualValue, @currency, @scope, @radius, @wp, @wc, @wl, @scale, 'draft', 1, @now, @now)
                """, NeedWrites.Columns(input, id, owner, context.Now), tx, cancellationToken: ct));
            await NeedSql.RecordEventAsync(connection, tx, id, context.Now, NeedSql.Actor(context.Caller), "need", id, null, "draft", ct);
            var need = await NeedSql.VisibleAsync(connection, tx, db.Dialect, context.Caller, id.ToString(), ct);
            await tx.CommitAsync(ct);
            return need.ToDto(context.Now);
        }
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapPost("", async (HttpContext http, IMediator mediator, CancellationToken ct) =>
            {
                var need = await mediator.Send(new Command(JsonBody<NeedInput>.From(http)), ct);
                http.Response.Headers.ETag = need.ETag;
                return Results.Created($"/api/v1/needs/{need.Id}", need);
            })
            .AcceptsJson<NeedInput>()
            .Produces<NeedDto>(StatusCodes.Status201Created)
            .WithSummary("Post a component need as a draft (an anchor or wholesaler company).");
}
