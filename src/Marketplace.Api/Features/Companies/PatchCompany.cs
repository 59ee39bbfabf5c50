using System.Data.Common;
using Dapper;
using FluentValidation;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Errors;
using Marketplace.Api.Common.Http;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Domain.Companies;
using Marketplace.Infrastructure.Database;
using Mediator;

namespace Marketplace.Api.Features.Companies;

/// JSON Merge Patch of a company. Admins may change every field; the company itself (or its
/// partner) only `name` and `certifications` (api.md).
public static class PatchCompany
{
    private static readonly HashSet<string> SelfServiceFields = ["name", "certifications"];

    public sealed record Body
    {
        public Optional<string> Name { get; init; }
        public Optional<string> TaxId { get; init; }
        public Optional<List<string?>> Roles { get; init; }
        public Optional<string> Size { get; init; }
        public Optional<List<string?>> Certifications { get; init; }
        public Optional<bool?> Active { get; init; }
    }

    public sealed record Command(string Id, string? IfMatch, JsonBody<Body> Body)
        : ICommand<CompanyDto>, IHasBody, IWrite, IHasFieldPermissions
    {
        IJsonBody IHasBody.Body => Body;

        public void AuthorizeFields(IReadOnlyCollection<string> names, Caller caller)
        {
            if (caller.IsAdmin) return;
            var forbidden = names.Where(n => !SelfServiceFields.Contains(n) && CompanyFields.Contains(n)).ToList();
            if (forbidden.Count > 0)
                throw new ApiException(403, ErrorCodes.FieldForbidden,
                    $"Only an admin may change {string.Join(", ", forbidden)}.",
                    forbidden.ToDictionary(f => f, _ => new[] { "Only an admin may change this field." }));
        }

        private static readonly HashSet<string> CompanyFields = ["taxId", "roles", "size", "active"];
    }

    public sealed class Validator : AbstractValidator<Body>
    {
        public Validator()
        {
            // null on a required field is 400; null on an optional one restores its default.
            RuleFor(x => x.Name).Must(o => !o.IsSet || CompanyRules.ValidName(o.Value)).WithMessage(CompanyRules.NameMessage).OverridePropertyName("name");
            RuleFor(x => x.TaxId).Must(o => !o.IsSet || TaxId.IsValid(o.Value)).WithMessage(CompanyRules.TaxIdMessage).OverridePropertyName("taxId");
            RuleFor(x => x.Roles).Must(o => !o.IsSet || CompanyRules.ValidRoles(o.Value)).WithMessage(CompanyRules.RolesMessage).OverridePropertyName("roles");
            RuleFor(x => x.Size).Must(o => !o.IsSet || CompanyRules.ValidSize(o.Value)).WithMessage(CompanyRules.SizeMessage).OverridePropertyName("size");
            RuleFor(x => x.Certifications).Must(o => !o.IsSet || CompanyRules.ValidCertifications(o.Value))
                .WithMessage(CompanyRules.CertificationsMessage).OverridePropertyName("certifications");
        }
    }

    public sealed class Authorizer(Db db) : IAuthorizer<Command>
    {
        public async ValueTask AuthorizeAsync(Command message, Caller caller, CancellationToken ct)
        {
            if (!Domain.Id.TryParse(message.Id, out var id)) throw ApiException.NotFound("company");
            await using var connection = await db.OpenAsync(ct);
            if (await CompanySql.FindAsync(connection, null, id, ct) is null) throw ApiException.NotFound("company");
            if (!caller.ActsFor(id))
                throw ApiException.Forbidden(ErrorCodes.Forbidden, "Only the company itself, its partners and admins may change it.");
        }
    }

    public sealed class Handler(Db db, RequestContext context) : ICommandHandler<Command, CompanyDto>
    {
        public async ValueTask<CompanyDto> Handle(Command command, CancellationToken ct)
        {
            var id = Guid.Parse(command.Id);
            var b = command.Body.Value;
            await using var connection = await db.OpenAsync(ct);
            await using var tx = await db.BeginWriteAsync(connection, ct);
            var current = await CompanySql.LockAsync(connection, tx, db.Dialect, id, ct) ?? throw ApiException.NotFound("company");
            if (command.IfMatch is not null && !ETags.Matches(command.IfMatch, current.ToDto().ETag))
                throw ApiException.PreconditionFailed();

            var next = new CompanySql.Row
            {
                Id = id,
                Name = b.Name.IsSet ? b.Name.Value!.Trim() : current.Name,
                TaxId = b.TaxId.Or(current.TaxId)!,
                Roles = b.Roles.IsSet ? (int)CompanyRules.ParseRoles(b.Roles.Value!) : current.Roles,
                Size = b.Size.Or(current.Size)!,
                Certifications = b.Certifications.IsSet ? CompanySql.CertificationsJson(b.Certifications.Value?.Select(c => c!) ?? []) : current.Certifications,
                Active = b.Active.IsSet ? b.Active.Value ?? true : current.Active,
                Version = current.Version + 1, CreatedAt = current.CreatedAt, UpdatedAt = context.Now,
            };
            if (SameFacts(current, next)) return current.ToDto();
            try
            {
                await connection.ExecuteAsync(new CommandDefinition("""
                    UPDATE companies SET name = @Name, tax_id = @TaxId, roles = @Roles, size = @Size,
                        certifications = @Certifications, active = @Active, version = @Version, updated_at = @UpdatedAt
                    WHERE id = @Id
                    """, next, tx, cancellationToken: ct));
                // Every company fact matching uses (name, roles, size, certifications, active) is a supply change.
                await ChangeFeed.RecordAsync(connection, tx, db.Dialect, ChangeKinds.Company, id, next.UpdatedAt, ct);
                await tx.CommitAsync(ct);
            }
            catch (DbException e) when (db.Dialect.IsUniqueViolation(e))
            {
                throw CreateCompany.TaxIdTaken();
            }
            return next.ToDto();
        }

        private static bool SameFacts(CompanySql.Row a, CompanySql.Row b) =>
            a.Name == b.Name && a.TaxId == b.TaxId && a.Roles == b.Roles && a.Size == b.Size
            && a.Certifications == b.Certifications && a.Active == b.Active;
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapPatch("{id}", async (string id, HttpContext http, IMediator mediator, CancellationToken ct) =>
            {
                var ifMatch = http.Request.Headers.IfMatch.Count > 0 ? http.Request.Headers.IfMatch.ToString() : null;
                var company = await mediator.Send(new Command(id, ifMatch, JsonBody<Body>.From(http, BodyMode.MergePatch)), ct);
                http.Response.Headers.ETag = company.ETag;
                return Results.Ok(company);
            })
            .AcceptsJson<Body>("application/merge-patch+json", "application/json")
            .Produces<CompanyDto>()
            .WithSummary("Change a company (JSON Merge Patch). Admins: every field; the company or its partner: name, certifications.");
}
