using FluentValidation;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Errors;
using Marketplace.Api.Common.Paging;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Domain;
using Marketplace.Infrastructure.Database;
using Mediator;
using Microsoft.Extensions.Primitives;

namespace Marketplace.Api.Features.Changes;

/// api.md, Change feed: supply changes in token order for admins. `nextCursor` is the token to
/// pass as `after` next, never null: on an empty page it is the `after` given (0 when absent).
public static class ListChanges
{
    public sealed record ChangeDto(long Token, string Kind, Guid Id, DateTimeOffset At);

    public sealed record ChangePage(IReadOnlyList<ChangeDto> Items, long NextCursor);

    public sealed record Query(StringValues After, StringValues Limit) : IQuery<ChangePage>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            this.AddFilterRule("after", x => x.After, a => long.TryParse(a, System.Globalization.NumberStyles.None, null, out _),
                "after must be a change token (a whole number, 0 for the start).");
            this.AddPagingRules(x => new PageArgs(x.Limit, default), _ => "changes");
        }
    }

    public sealed class Authorizer : IAuthorizer<Query>
    {
        public ValueTask AuthorizeAsync(Query message, Caller caller, CancellationToken ct) =>
            caller.IsAdmin ? ValueTask.CompletedTask : throw ApiException.AdminOnly();
    }

    public sealed class Handler(Db db) : IQueryHandler<Query, ChangePage>
    {
        public async ValueTask<ChangePage> Handle(Query query, CancellationToken ct)
        {
            var after = query.After.One() is { } a ? long.Parse(a) : 0L;
            var limit = new PageArgs(query.Limit, default).Size(Limits.PageLimitDefault);
            await using var connection = await db.OpenAsync(ct);
            var changes = await ChangeFeed.ReadAsync(connection, db.Dialect, after, limit, ct);
            var items = changes.Select(c => new ChangeDto(c.Token, c.Kind, c.EntityId, c.At)).ToList();
            return new ChangePage(items, items.Count > 0 ? items[^1].Token : after);
        }
    }

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/changes", async (HttpRequest request, IMediator mediator, CancellationToken ct) =>
                Results.Ok(await mediator.Send(new Query(request.Query["after"], request.Query["limit"]), ct)))
            .WithTags("Changes")
            .Produces<ChangePage>()
            .WithSummary("Supply changes (sites, capabilities, companies, catalogs) in token order (admin).");
}
