using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;
using static Marketplace.Api.Tests.Features.Companies.CompanyRequests;

namespace Marketplace.Api.Tests.Features.Companies;

public abstract class CreateCompanyTests(ApiFactory api)
{
    [Fact]
    public async Task Admin_creates_a_company_with_defaults_and_location()
    {
        var taxId = Scenario.NewTaxId();
        var response = await api.Admin().PostJsonAsync("/api/v1/companies",
            new { name = "Kaluga Turning", taxId, roles = new[] { "supplier", "anchor" }, size = "small" });
        var company = await response.ExpectAsync(HttpStatusCode.Created);

        var id = (string)company["id"]!;
        Assert.Equal($"/api/v1/companies/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(taxId, (string?)company["taxId"]);
        Assert.Equal(["anchor", "supplier"], company["roles"]!.AsArray().Select(r => (string)r!));
        Assert.Empty(company["certifications"]!.AsArray());
        Assert.True((bool)company["active"]!);

        var read = await (await api.Admin().GetAsync($"/api/v1/companies/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(company.ToJsonString(), read.ToJsonString());
    }

    [Fact]
    public async Task Created_company_has_a_lower_case_uuidv7_id_and_an_etag()
    {
        var response = await api.Admin().PostCompanyAsync(ValidBody());
        var company = await response.ExpectAsync(HttpStatusCode.Created);

        var id = (string)company["id"]!;
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", id);
        var (_, etag) = await api.ReadCompanyAsync(id);
        Assert.Equal(etag, ETagOf(response));
    }

    [Fact]
    public async Task Duplicate_tax_id_is_409_naming_tax_id()
    {
        var taxId = Scenario.NewTaxId();
        var body = new { name = "A", taxId, roles = new[] { "supplier" }, size = "micro" };
        await (await api.Admin().PostJsonAsync("/api/v1/companies", body)).ExpectAsync(HttpStatusCode.Created);
        var before = await api.CompanyCountAsync();

        var problem = await (await api.Admin().PostJsonAsync("/api/v1/companies", body with { name = "B" }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "company.tax_id_taken");

        Assert.NotNull(problem["errors"]?["taxId"]);
        Assert.Equal(before, await api.CompanyCountAsync());
        Assert.Single(await api.WalkAsync(), c => (string?)c["taxId"] == taxId);
    }

    [Fact]
    public async Task Concurrent_creations_with_one_tax_id_give_one_201_and_409s()
    {
        var taxId = Scenario.NewTaxId();
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            api.Admin().PostCompanyAsync(ValidBody(taxId).With("name", $"Racer {i}"))));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        foreach (var response in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
            await response.ExpectProblemAsync(HttpStatusCode.Conflict, "company.tax_id_taken");
        Assert.Single(await api.WalkAsync(), c => (string?)c["taxId"] == taxId);
    }

    // ---- name ----

    [Fact]
    public async Task Missing_name_is_400_naming_name_and_creates_nothing() =>
        await ExpectRejectedAsync(ValidBody().Without("name"), "name");

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\n")]
    public async Task Null_empty_or_blank_name_is_400_naming_name_and_creates_nothing(string? name) =>
        await ExpectRejectedAsync(ValidBody().With("name", name), "name");

    [Fact]
    public async Task Name_of_301_characters_is_400_naming_name_and_creates_nothing() =>
        await ExpectRejectedAsync(ValidBody().With("name", new string('n', 301)), "name");

    [Fact]
    public async Task Name_of_300_characters_is_accepted_as_sent()
    {
        var name = new string('n', 300);
        var company = await CreateAsync(ValidBody().With("name", name));
        Assert.Equal(name, (string?)company["name"]);
    }

    [Fact]
    public async Task Wrong_json_type_for_name_is_400_naming_name_and_creates_nothing() =>
        await ExpectRejectedAsync(ValidBody().With("name", 5), "name");

    // ---- taxId ----

    [Fact]
    public async Task Missing_tax_id_is_400_naming_tax_id_and_creates_nothing() =>
        await ExpectRejectedAsync(ValidBody().Without("taxId"), "taxId");

    [Fact]
    public async Task Tax_id_with_a_bad_check_digit_is_400_naming_tax_id_and_creates_nothing() =>
        await ExpectRejectedAsync(ValidBody(TaxIdWithBadCheckDigit()), "taxId");

    [Fact]
    public async Task Twelve_digit_tax_id_with_a_bad_check_digit_is_400_naming_tax_id()
    {
        var valid = NewIndividualTaxId();
        var wrong = valid[..11] + (char)('0' + (valid[11] - '0' + 1) % 10);
        await ExpectRejectedAsync(ValidBody(wrong), "taxId");
    }

    [Theory]
    [InlineData("12345678901")] // 11 digits
    [InlineData("123456789")] // 9 digits
    [InlineData("1234567890123")] // 13 digits
    [InlineData("77070838ab")] // letters
    [InlineData("abcdefghij")]
    [InlineData(" 7707083893")] // a valid INN with a space in front
    [InlineData("")]
    public async Task Tax_id_that_is_not_10_or_12_digits_is_400_naming_tax_id_and_creates_nothing(string taxId) =>
        await ExpectRejectedAsync(ValidBody(taxId), "taxId");

    [Fact]
    public async Task Tax_id_as_a_json_number_is_400_naming_tax_id() =>
        await ExpectRejectedAsync(ValidBody().With("taxId", 7707083893L), "taxId");

    [Fact]
    public async Task Valid_12_digit_tax_id_of_an_individual_entrepreneur_is_accepted()
    {
        var taxId = NewIndividualTaxId();
        var company = await CreateAsync(ValidBody(taxId));
        Assert.Equal(taxId, (string?)company["taxId"]);
    }

    // ---- roles ----

    [Fact]
    public async Task Missing_roles_is_400_naming_roles_and_creates_nothing() =>
        await ExpectRejectedAsync(ValidBody().Without("roles"), "roles");

    [Fact]
    public async Task Empty_roles_is_400_naming_roles_and_creates_nothing() =>
        await ExpectRejectedAsync(ValidBody().With("roles", Array.Empty<string>()), "roles");

    [Theory]
    [InlineData("admin")] // a kind of key, not a company role
    [InlineData("buyer")]
    [InlineData("")]
    public async Task Unknown_role_is_400_naming_roles_and_creates_nothing(string role) =>
        await ExpectRejectedAsync(ValidBody().With("roles", new[] { "supplier", role }), "roles");

    [Theory]
    [InlineData("Supplier")]
    [InlineData("ANCHOR")]
    public async Task Wrong_case_role_is_400_naming_roles_and_creates_nothing(string role) =>
        await ExpectRejectedAsync(ValidBody().With("roles", new[] { role }), "roles");

    [Fact]
    public async Task Null_role_in_the_array_is_400_naming_roles() =>
        await ExpectRejectedAsync(ValidBody().With("roles", new string?[] { "supplier", null }), "roles");

    [Fact]
    public async Task Roles_as_a_string_is_400_naming_roles_and_creates_nothing() =>
        await ExpectRejectedAsync(ValidBody().With("roles", "supplier"), "roles");

    [Fact]
    public async Task All_three_roles_are_accepted_and_answered_in_a_fixed_order()
    {
        var company = await CreateAsync(ValidBody().With("roles", new[] { "wholesaler", "supplier", "anchor" }));
        Assert.Equal(["anchor", "supplier", "wholesaler"], company["roles"].Strings());
    }

    // ---- size ----

    [Theory]
    [InlineData("micro")]
    [InlineData("small")]
    [InlineData("medium")]
    [InlineData("large")]
    public async Task Each_of_the_four_sizes_is_accepted(string size)
    {
        var company = await CreateAsync(ValidBody().With("size", size));
        Assert.Equal(size, (string?)company["size"]);
    }

    [Theory]
    [InlineData("huge")]
    [InlineData("Small")]
    [InlineData("MICRO")]
    [InlineData("sme")]
    [InlineData("")]
    public async Task Size_outside_the_four_is_400_naming_size_and_creates_nothing(string size) =>
        await ExpectRejectedAsync(ValidBody().With("size", size), "size");

    [Fact]
    public async Task Missing_size_is_400_naming_size_and_creates_nothing() =>
        await ExpectRejectedAsync(ValidBody().Without("size"), "size");

    [Fact]
    public async Task Size_as_a_number_is_400_naming_size() =>
        await ExpectRejectedAsync(ValidBody().With("size", 2), "size");

    // ---- certifications ----

    [Fact]
    public async Task Certifications_are_upper_cased_deduplicated_and_sorted_ordinally()
    {
        var company = await CreateAsync(ValidBody().With("certifications",
            new[] { "iso9001", "GOST-R-15.201", "ISO9001", "a_b", "0.X", "Iso9001", "gost-r-15.201" }));
        Assert.Equal(["0.X", "A_B", "GOST-R-15.201", "ISO9001"], company["certifications"].Strings());

        var (read, _) = await api.ReadCompanyAsync((string)company["id"]!);
        Assert.Equal(["0.X", "A_B", "GOST-R-15.201", "ISO9001"], read["certifications"].Strings());
    }

    [Fact]
    public async Task Certification_of_32_characters_is_accepted()
    {
        var code = "A" + new string('9', 31);
        var company = await CreateAsync(ValidBody().With("certifications", new[] { code }));
        Assert.Equal([code], company["certifications"].Strings());
    }

    [Theory]
    [InlineData("-ISO")] // must start with a letter or digit
    [InlineData(".ISO")]
    [InlineData("ISO 9001")]
    [InlineData("ISO/9001")]
    [InlineData("")]
    [InlineData("ISO9001\n")]
    public async Task Invalid_certification_is_400_naming_certifications_and_creates_nothing(string code) =>
        await ExpectRejectedAsync(ValidBody().With("certifications", new[] { "ISO9001", code }), "certifications");

    [Fact]
    public async Task Certification_of_33_characters_is_400_naming_certifications() =>
        await ExpectRejectedAsync(ValidBody().With("certifications", new[] { "A" + new string('9', 32) }), "certifications");

    [Fact]
    public async Task Null_certification_in_the_array_is_400_naming_certifications() =>
        await ExpectRejectedAsync(ValidBody().With("certifications", new string?[] { "ISO9001", null }), "certifications");

    [Fact]
    public async Task Certifications_as_a_string_is_400_naming_certifications() =>
        await ExpectRejectedAsync(ValidBody().With("certifications", "ISO9001"), "certifications");

    [Fact]
    public async Task Null_certifications_means_the_default_empty_list()
    {
        var company = await CreateAsync(ValidBody().With("certifications", null));
        Assert.Empty(company["certifications"]!.AsArray());
    }

    // ---- active ----

    [Fact]
    public async Task Active_defaults_to_true()
    {
        var company = await CreateAsync(ValidBody());
        Assert.True((bool)company["active"]!);
    }

    [Fact]
    public async Task Active_false_is_accepted_and_stored()
    {
        var company = await CreateAsync(ValidBody().With("active", false));
        Assert.False((bool)company["active"]!);
        var (read, _) = await api.ReadCompanyAsync((string)company["id"]!);
        Assert.False((bool)read["active"]!);
    }

    [Fact]
    public async Task Active_as_the_string_true_is_400_naming_active_and_creates_nothing() =>
        await ExpectRejectedAsync(ValidBody().With("active", "true"), "active");

    [Fact]
    public async Task Active_as_a_number_is_400_naming_active() =>
        await ExpectRejectedAsync(ValidBody().With("active", 1), "active");

    // ---- properties that are not writable ----

    [Theory]
    [InlineData("id", "0190f3a2-7b1c-7d2e-8f3a-4b5c6d7e8f90")]
    [InlineData("createdAt", "2026-03-02T09:00:00Z")]
    [InlineData("updatedAt", "2026-03-02T09:00:00Z")]
    public async Task Read_only_property_is_400_naming_it_and_creates_nothing(string field, string value) =>
        await ExpectRejectedAsync(ValidBody().With(field, value), field);

    [Theory]
    [InlineData("website")]
    [InlineData("Name")] // names are case-sensitive camelCase
    [InlineData("tax_id")]
    public async Task Unknown_property_is_400_naming_it_and_creates_nothing(string field) =>
        await ExpectRejectedAsync(ValidBody().With(field, "x"), field);

    // ---- malformed bodies and content types ----

    [Theory]
    [InlineData("{\"name\": \"A\",")]
    [InlineData("[]")]
    [InlineData("\"a company\"")]
    [InlineData("")]
    public async Task Body_that_is_not_a_json_object_is_400_and_creates_nothing(string text)
    {
        var before = await api.CompanyCountAsync();
        await (await api.Admin().PostCompanyAsync(text)).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal(before, await api.CompanyCountAsync());
    }

    [Fact]
    public async Task Text_plain_body_is_415_and_creates_nothing()
    {
        var before = await api.CompanyCountAsync();
        await (await api.Admin().SendJsonAsync(HttpMethod.Post, CompaniesPath, ValidBody(), "text/plain"))
            .ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType, "request.unsupported_media_type");
        Assert.Equal(before, await api.CompanyCountAsync());
    }

    // ---- roles of the caller ----

    [Fact]
    public async Task Company_key_creating_a_company_is_403_admin_only_and_creates_nothing()
    {
        var anchor = await api.CreateCompanyAsync(roles: ["anchor", "supplier", "wholesaler"], size: "large");
        var before = await api.CompanyCountAsync();
        var body = ValidBody();

        await (await api.As(anchor.Key).PostCompanyAsync(body)).ExpectProblemAsync(HttpStatusCode.Forbidden, "auth.admin_only");

        Assert.Equal(before, await api.CompanyCountAsync());
        Assert.DoesNotContain(await api.WalkAsync(), c => (string?)c["taxId"] == (string)body["taxId"]!);
    }

    [Fact]
    public async Task Company_key_sending_an_invalid_body_still_gets_403_before_400()
    {
        var company = await api.CreateCompanyAsync();
        await (await api.As(company.Key).PostCompanyAsync(ValidBody().With("size", "huge")))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "auth.admin_only");
    }

    [Fact]
    public async Task Missing_or_unknown_key_is_401_and_creates_nothing()
    {
        var before = await api.CompanyCountAsync();
        await (await api.Anonymous().PostCompanyAsync(ValidBody())).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.unauthenticated");
        await (await api.As("mp_not_a_key").PostCompanyAsync(ValidBody())).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.unauthenticated");
        Assert.Equal(before, await api.CompanyCountAsync());
    }

    // ---- helpers ----

    private async Task<JsonNode> CreateAsync(Dictionary<string, object?> body) =>
        await (await api.Admin().PostCompanyAsync(body)).ExpectAsync(HttpStatusCode.Created);

    /// The admin's POST is 400 naming exactly `field`, and no company was created.
    private async Task ExpectRejectedAsync(Dictionary<string, object?> body, string field)
    {
        var before = await api.CompanyCountAsync();
        await (await api.Admin().PostCompanyAsync(body)).ExpectOnlyFieldErrorAsync(field);
        Assert.Equal(before, await api.CompanyCountAsync());
        if (body.TryGetValue("taxId", out var taxId) && taxId is string t)
            Assert.DoesNotContain(await api.WalkAsync(), c => (string?)c["taxId"] == t);
    }
}

public sealed class CreateCompanyTestsOnSqlite(SqliteApi api) : CreateCompanyTests(api), IClassFixture<SqliteApi>;
public sealed class CreateCompanyTestsOnPostgres(PostgresApi api) : CreateCompanyTests(api), IClassFixture<PostgresApi>;
