using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dapper;
using Marketplace.Infrastructure.Database;
using Marketplace.Domain.Companies;

namespace Marketplace.Api.Features.Companies;

public sealed record CompanyDto(
    Guid Id, string Name, string TaxId, IReadOnlyList<string> Roles, string Size,
    IReadOnlyList<string> Certifications, bool Active, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    [JsonIgnore] public int Version { get; init; }

    /// Strong ETag: the version is bumped on every change of the company.
    [JsonIgnore] public string ETag => $"\"{Version}\"";
}

/// SQL shared by the company slices and the demo seeder.
public static class CompanySql
{
    public const string Select = """
        SELECT id AS Id, name AS Name, tax_id AS TaxId, roles AS Roles, size AS Size,
               certifications AS Certifications, active AS Active, version AS Version,
               created_at AS CreatedAt, updated_at AS UpdatedAt
        FROM companies
        """;

    public static async Task<Row?> FindAsync(DbConnection connection, DbTransaction? tx, Guid id, CancellationToken ct) =>
        await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(Select + " WHERE id = @id", new { id }, tx, cancellationToken: ct));

    /// The row, locked until the transaction ends.
    public static async Task<Row?> LockAsync(DbConnection connection, DbTransaction tx, Dialect dialect, Guid id, CancellationToken ct) =>
        await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            Select + dialect.LockHint + " WHERE id = @id" + dialect.ForUpdate, new { id }, tx, cancellationToken: ct));

    public static Task InsertAsync(DbConnection connection, DbTransaction tx, Row c, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO companies (id, name, tax_id, roles, size, certifications, active, version, created_at, updated_at)
            VALUES (@Id, @Name, @TaxId, @Roles, @Size, @Certifications, @Active, @Version, @CreatedAt, @UpdatedAt)
            """, c, tx, cancellationToken: ct));

    /// Certifications are kept upper-case, de-duplicated and in ordinal order (api.md compares them ordinally).
    public static string CertificationsJson(IEnumerable<string> codes) =>
        JsonSerializer.Serialize(codes.Select(Certification.Normalize).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

    public sealed class Row
    {
        public Guid Id { get; init; }
        public string Name { get; init; } = "";
        public string TaxId { get; init; } = "";
        public int Roles { get; init; }
        public string Size { get; init; } = "";
        public string Certifications { get; init; } = "[]";
        public bool Active { get; init; }
        public int Version { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }

        public CompanyDto ToDto() => new(Id, Name, TaxId, CompanyRoles.ToWireList((CompanyRole)Roles), Size,
            JsonSerializer.Deserialize<List<string>>(Certifications) ?? [], Active, CreatedAt, UpdatedAt) { Version = Version };
    }
}
