using System.Data.Common;
using FluentValidation;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Errors;
using Marketplace.Api.Common.Http;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Domain.Companies;
using Marketplace.Infrastructure.Database;
using Mediator;

namespace Marketplace.Api.Features.Companies;

public static class CreateCompany
{
    public sealed record Body
    {
        public string? Name { get; init; }
        public string? TaxId { get; init; }
        public List<string?>? Roles { get; init; }
        public string? Size { get; init; }
        public List<string?>? Certifications { get; init; }
        public bool? Active { get; init; }
    }

    public sealed record Command(JsonBody<Body> Body) : ICommand<CompanyDto>, IHasBody, IWrite
    {
        IJsonBody IHasBody.Body => Body;
    }

    public sealed class Validator : AbstractValidator<Body>
    {
        public Validator()
        {
            RuleFor(x => x.Name).Must(CompanyRules.ValidName).WithMessage(CompanyRules.NameMessage);
            RuleFor(x => x.TaxId).Must(TaxId.IsValid).WithMessage(CompanyRules.TaxIdMessage);
            RuleFor(x => x.Roles).Must(CompanyRules.ValidRoles).WithMessage(CompanyRules.RolesMessage);
            RuleFor(x => x.Size).Must(CompanyRules.ValidSize).WithMessage(CompanyRules.SizeMessage);
            RuleFor(x => x.Certifications).Must(CompanyRules.ValidCertifications).WithMessage(CompanyRules.CertificationsMessage);
        }
    }

    /// api.md: admins create companies.
    public sealed class Authorizer : IAuthorizer<Command>
    {
        public ValueTask AuthorizeAsync(Command message, Caller caller, CancellationToken ct) =>
            caller.IsAdmin ? ValueTask.CompletedTask : throw ApiException.AdminOnly();
    }

    public sealed class Handler(Db db, RequestContext context) : ICommandHandler<Command, CompanyDto>
    {
        public async ValueTask<CompanyDto> Handle(Command command, CancellationToken ct)
        {
            var b = command.Body.Value;
            var row = new CompanySql.Row
            {
                Id = Domain.Id.New(), Name = b.Name!.Trim(), TaxId = b.TaxId!,
                Roles = (int)CompanyRules.ParseRoles(b.Roles!), Size = b.Size!,
                Certifications = CompanySql.CertificationsJson(b.Certifications?.Select(c => c!) ?? []),
                Active = b.Active ?? true, Version = 1, CreatedAt = context.Now, UpdatedAt = context.Now,
            };
            await using var connection = await db.OpenAsync(ct);
            await using var tx = await db.BeginWriteAsync(connection, ct);
            try
            {
                await CompanySql.InsertAsync(connection, tx, row, ct);
                await ChangeFeed.RecordAsync(connection, tx, db.Dialect, ChangeKinds.Company, row.Id, row.UpdatedAt, ct);
                await tx.CommitAsync(ct);
            }
            catch (DbException e) when (db.Dialect.IsUniqueViolation(e))
            {
                throw TaxIdTaken();
            }
            return row.ToDto();
        }
    }

    public static ApiException TaxIdTaken() =>
        ApiException.Conflict(ErrorCodes.TaxIdTaken, "Another company already has this taxId.", "taxId");

    public static void Map(RouteGroupBuilder group) =>
        group.MapPost("", async (HttpContext http, IMediator mediator, CancellationToken ct) =>
            {
                var company = await mediator.Send(new Command(JsonBody<Body>.From(http)), ct);
                http.Response.Headers.ETag = company.ETag;
                return Results.Created($"/api/v1/companies/{company.Id}", company);
            })
            .AcceptsJson<Body>("application/json")
            .Produces<CompanyDto>(StatusCodes.Status201Created)
            .WithSummary("Register a company (admin).");
}
