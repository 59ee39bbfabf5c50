using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Errors;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Infrastructure.Database;
using Mediator;

namespace Marketplace.Api.Features.Companies;

public static class GetCompany
{
    public sealed record Query(string Id) : IQuery<CompanyDto>;

    /// The company directory is public to every key.
    public sealed class Authorizer : IAuthorizer<Query>
    {
        public ValueTask AuthorizeAsync(Query message, Caller caller, CancellationToken ct) => ValueTask.CompletedTask;
    }

    public sealed class Handler(Db db) : IQueryHandler<Query, CompanyDto>
    {
        public async ValueTask<CompanyDto> Handle(Query query, CancellationToken ct)
        {
            if (!Domain.Id.TryParse(query.Id, out var id)) throw ApiException.NotFound("company");
            await using var connection = await db.OpenAsync(ct);
            var row = await CompanySql.FindAsync(connection, null, id, ct);
            return row?.ToDto() ?? throw ApiException.NotFound("company");
        }
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapGet("{id}", async (string id, HttpContext http, IMediator mediator, CancellationToken ct) =>
            {
                var company = await mediator.Send(new Query(id), ct);
                http.Response.Headers.ETag = company.ETag;
                return Results.Ok(company);
            })
            .Produces<CompanyDto>()
            .WithSummary("One company of the public directory (any key).");
}
