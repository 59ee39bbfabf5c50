using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;
using static Marketplace.Api.Tests.Features.Companies.CompanyRequests;

namespace Marketplace.Api.Tests.Features.Companies;

public abstract class PatchCompanyTests(ApiFactory api)
{
    // ---- who may change what ----

    [Fact]
    public async Task Admin_changes_every_field()
    {
        var company = await api.CreateCompanyAsync(roles: ["supplier"], size: "small");
        var (_, etagBefore) = await api.ReadCompanyAsync(company.Id);
        var taxId = NewIndividualTaxId();

        var response = await api.Admin().PatchCompanyAsync(company.Id, new
        {
            name = "Renamed Ltd", taxId, roles = new[] { "wholesaler", "anchor" }, size = "large",
            certifications = new[] { "iso9001", "GOST-1" }, active = false,
        });
        var patched = await response.ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(company.Id, (string?)patched["id"]);
        Assert.Equal("Renamed Ltd", (string?)patched["name"]);
        Assert.Equal(taxId, (string?)patched["taxId"]);
        Assert.Equal(["anchor", "wholesaler"], patched["roles"].Strings());
        Assert.Equal("large", (string?)patched["size"]);
        Assert.Equal(["GOST-1", "ISO9001"], patched["certifications"].Strings());
        Assert.False((bool)patched["active"]!);

        var (read, etag) = await api.ReadCompanyAsync(company.Id);
        Assert.Equal(patched.ToJsonString(), read.ToJsonString());
        Assert.Equal(etag, ETagOf(response));
        Assert.NotEqual(etagBefore, etag);
    }

    [Fact]
    public async Task Company_key_changes_its_own_name_and_certifications()
    {
        var company = await api.CreateCompanyAsync(certifications: ["ISO9001"]);
        var (before, _) = await api.ReadCompanyAsync(company.Id);

        var patched = await (await api.As(company.Key).PatchCompanyAsync(company.Id,
            new { name = "Self-renamed", certifications = new[] { "iso14001", "ISO45001" } })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("Self-renamed", (string?)patched["name"]);
        Assert.Equal(["ISO14001", "ISO45001"], patched["certifications"].Strings());
        var (read, _) = await api.ReadCompanyAsync(company.Id);
        Assert.Equal(patched.ToJsonString(), read.ToJsonString());
        foreach (var field in new[] { "taxId", "size", "active", "createdAt" })
            Assert.Equal(before[field]!.ToJsonString(), read[field]!.ToJsonString());
        Assert.Equal(before["roles"]!.ToJsonString(), read["roles"]!.ToJsonString());
    }

    [Theory]
    [InlineData("size", """{"size":"large"}""")]
    [InlineData("roles", """{"roles":["anchor","supplier"]}""")]
    [InlineData("taxId", """{"taxId":"7707083893"}""")]
    [InlineData("active", """{"active":false}""")]
    [InlineData("size", """{"size":null}""")]
    [InlineData("active", """{"active":true}""")] // even a value equal to the current one
    [InlineData("size", """{"name":"Also renamed","size":"large"}""")]
    [InlineData("roles", """{"certifications":["ISO1"],"roles":["supplier"]}""")]
    public async Task Company_key_patching_an_admin_field_is_403_and_changes_nothing(string field, string body)
    {
        var company = await api.CreateCompanyAsync();
        var (before, etag) = await api.ReadCompanyAsync(company.Id);

        var problem = await (await api.As(company.Key).PatchCompanyAsync(company.Id, body))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "company.field_forbidden");

        Assert.NotNull(problem["errors"]?[field]);
        await AssertUnchangedAsync(company.Id, before, etag);
    }

    [Fact]
    public async Task Company_key_patching_an_admin_field_with_an_invalid_value_is_403_not_400()
    {
        var company = await api.CreateCompanyAsync();
        await (await api.As(company.Key).PatchCompanyAsync(company.Id, new { size = "huge" }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "company.field_forbidden");
    }

    [Fact]
    public async Task Another_company_key_is_403_forbidden_and_changes_nothing()
    {
        var target = await api.CreateCompanyAsync();
        var other = await api.CreateCompanyAsync(roles: ["anchor", "supplier", "wholesaler"], size: "large");
        var (before, etag) = await api.ReadCompanyAsync(target.Id);

        await (await api.As(other.Key).PatchCompanyAsync(target.Id, new { name = "Hijacked" }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
        await (await api.As(other.Key).PatchCompanyAsync(target.Id, new { size = "micro" }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
        // 403 (step 3) comes before 415 (step 4) and 400 (step 6).
        await (await api.As(other.Key).PatchCompanyAsync(target.Id, "name=x", contentType: "text/plain"))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
        await (await api.As(other.Key).PatchCompanyAsync(target.Id, new { name = "" }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");

        await AssertUnchangedAsync(target.Id, before, etag);
    }

    [Fact]
    public async Task Unknown_company_is_404()
    {
        var company = await api.CreateCompanyAsync();
        var unknown = Guid.CreateVersion7().ToString();

        await (await api.Admin().PatchCompanyAsync(unknown, new { name = "X" })).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await api.As(company.Key).PatchCompanyAsync(unknown, new { name = "X" })).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        // 404 (step 2) comes before 415 (step 4).
        await (await api.Admin().PatchCompanyAsync(unknown, "name=x", contentType: "text/plain"))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("123")]
    public async Task Malformed_id_is_404(string id) =>
        await (await api.Admin().PatchCompanyAsync(id, new { name = "X" })).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");

    // ---- merge-patch semantics and validation ----

    [Theory]
    [InlineData("name")]
    [InlineData("size")]
    [InlineData("roles")]
    [InlineData("taxId")]
    public async Task Null_on_a_required_field_is_400_naming_it_and_changes_nothing(string field)
    {
        var company = await api.CreateCompanyAsync();
        var (before, etag) = await api.ReadCompanyAsync(company.Id);

        await (await api.Admin().PatchCompanyAsync(company.Id, $$"""{"{{field}}":null}""")).ExpectOnlyFieldErrorAsync(field);

        await AssertUnchangedAsync(company.Id, before, etag);
    }

    [Fact]
    public async Task Null_certifications_restores_the_empty_default()
    {
        var company = await api.CreateCompanyAsync(certifications: ["ISO9001", "GOST-1"]);

        var patched = await (await api.As(company.Key).PatchCompanyAsync(company.Id, """{"certifications":null}"""))
            .ExpectAsync(HttpStatusCode.OK);

        Assert.Empty(patched["certifications"]!.AsArray());
        var (read, _) = await api.ReadCompanyAsync(company.Id);
        Assert.Empty(read["certifications"]!.AsArray());
    }

    [Fact]
    public async Task Null_active_restores_the_default_true()
    {
        var company = await api.CreateCompanyAsync();
        await (await api.Admin().PatchCompanyAsync(company.Id, new { active = false })).ExpectAsync(HttpStatusCode.OK);

        var patched = await (await api.Admin().PatchCompanyAsync(company.Id, """{"active":null}""")).ExpectAsync(HttpStatusCode.OK);

        Assert.True((bool)patched["active"]!);
        var (read, _) = await api.ReadCompanyAsync(company.Id);
        Assert.True((bool)read["active"]!);
    }

    [Fact]
    public async Task Absent_fields_are_left_as_they_are()
    {
        var company = await api.CreateCompanyAsync(roles: ["anchor", "supplier"], size: "medium", certifications: ["ISO9001"]);
        var (before, _) = await api.ReadCompanyAsync(company.Id);

        var patched = await (await api.Admin().PatchCompanyAsync(company.Id, new { size = "large" })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("large", (string?)patched["size"]);
        foreach (var field in new[] { "name", "taxId", "roles", "certifications", "active", "createdAt" })
            Assert.Equal(before[field]!.ToJsonString(), patched[field]!.ToJsonString());
    }

    [Theory]
    [InlineData("name", """{"name":""}""")]
    [InlineData("name", """{"name":"   "}""")]
    [InlineData("size", """{"size":"huge"}""")]
    [InlineData("size", """{"size":"Large"}""")]
    [InlineData("roles", """{"roles":[]}""")]
    [InlineData("roles", """{"roles":["Anchor"]}""")]
    [InlineData("roles", """{"roles":["admin"]}""")]
    [InlineData("taxId", """{"taxId":"7707083894"}""")]
    [InlineData("taxId", """{"taxId":"12345678901"}""")]
    [InlineData("taxId", """{"taxId":"77070838ab"}""")]
    [InlineData("certifications", """{"certifications":["-ISO"]}""")]
    [InlineData("certifications", """{"certifications":["A99999999999999999999999999999999"]}""")]
    public async Task Invalid_value_is_400_naming_the_field_and_changes_nothing(string field, string body)
    {
        var company = await api.CreateCompanyAsync();
        var (before, etag) = await api.ReadCompanyAsync(company.Id);

        await (await api.Admin().PatchCompanyAsync(company.Id, body)).ExpectOnlyFieldErrorAsync(field);

        await AssertUnchangedAsync(company.Id, before, etag);
    }

    [Fact]
    public async Task Name_of_301_characters_is_400_and_300_is_accepted()
    {
        var company = await api.CreateCompanyAsync();
        await (await api.As(company.Key).PatchCompanyAsync(company.Id, new { name = new string('n', 301) })).ExpectOnlyFieldErrorAsync("name");
        var patched = await (await api.As(company.Key).PatchCompanyAsync(company.Id, new { name = new string('n', 300) }))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(new string('n', 300), (string?)patched["name"]);
    }

    [Theory]
    [InlineData("name", """{"name":5}""")]
    [InlineData("roles", """{"roles":"supplier"}""")]
    [InlineData("active", """{"active":"true"}""")]
    [InlineData("size", """{"size":3}""")]
    [InlineData("certifications", """{"certifications":"ISO9001"}""")]
    public async Task Wrong_json_type_is_400_naming_the_field_and_changes_nothing(string field, string body)
    {
        var company = await api.CreateCompanyAsync();
        var (before, etag) = await api.ReadCompanyAsync(company.Id);

        await (await api.Admin().PatchCompanyAsync(company.Id, body)).ExpectOnlyFieldErrorAsync(field);

        await AssertUnchangedAsync(company.Id, before, etag);
    }

    [Theory]
    [InlineData("id")]
    [InlineData("createdAt")]
    [InlineData("updatedAt")]
    [InlineData("website")]
    public async Task Read_only_or_unknown_property_is_400_naming_it(string field)
    {
        var company = await api.CreateCompanyAsync();
        var (before, etag) = await api.ReadCompanyAsync(company.Id);

        await (await api.Admin().PatchCompanyAsync(company.Id, $$"""{"name":"X","{{field}}":"2026-03-02T09:00:00Z"}"""))
            .ExpectOnlyFieldErrorAsync(field);

        await AssertUnchangedAsync(company.Id, before, etag);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{\"name\":")]
    [InlineData("null")]
    public async Task Body_that_is_not_a_json_object_is_400(string body)
    {
        var company = await api.CreateCompanyAsync();
        await (await api.Admin().PatchCompanyAsync(company.Id, body)).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
    }

    // ---- ETag and If-Match ----

    [Fact]
    public async Task Etag_changes_after_a_change()
    {
        var company = await api.CreateCompanyAsync();
        var (_, before) = await api.ReadCompanyAsync(company.Id);

        var response = await api.As(company.Key).PatchCompanyAsync(company.Id, new { name = "Changed" });
        await response.ExpectAsync(HttpStatusCode.OK);

        Assert.NotEqual(before, ETagOf(response));
        var (_, after) = await api.ReadCompanyAsync(company.Id);
        Assert.Equal(ETagOf(response), after);
    }

    [Fact]
    public async Task No_op_patch_keeps_the_etag_and_changes_nothing()
    {
        var company = await api.CreateCompanyAsync(certifications: ["ISO9001"]);
        var (before, etag) = await api.ReadCompanyAsync(company.Id);

        var same = await api.Admin().PatchCompanyAsync(company.Id, new
        {
            name = (string)before["name"]!, size = (string)before["size"]!, certifications = new[] { "iso9001" },
            roles = before["roles"].Strings().ToArray(), taxId = company.TaxId, active = true,
        });
        await same.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(etag, ETagOf(same));

        var empty = await api.As(company.Key).PatchCompanyAsync(company.Id, new { });
        await empty.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(etag, ETagOf(empty));

        await AssertUnchangedAsync(company.Id, before, etag);
    }

    [Fact]
    public async Task If_match_with_the_current_etag_succeeds()
    {
        var company = await api.CreateCompanyAsync();
        var (_, etag) = await api.ReadCompanyAsync(company.Id);

        var patched = await (await api.As(company.Key).PatchCompanyAsync(company.Id, new { name = "Matched" }, ifMatch: etag))
            .ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("Matched", (string?)patched["name"]);
    }

    [Fact]
    public async Task If_match_with_a_stale_etag_is_412_and_changes_nothing()
    {
        var company = await api.CreateCompanyAsync();
        var (_, stale) = await api.ReadCompanyAsync(company.Id);
        await (await api.Admin().PatchCompanyAsync(company.Id, new { name = "First" })).ExpectAsync(HttpStatusCode.OK);
        var (before, etag) = await api.ReadCompanyAsync(company.Id);

        await (await api.As(company.Key).PatchCompanyAsync(company.Id, new { name = "Second" }, ifMatch: stale))
            .ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "precondition.failed");

        await AssertUnchangedAsync(company.Id, before, etag);
        Assert.Equal("First", (string?)before["name"]);
    }

    [Fact]
    public async Task If_match_with_a_weak_copy_of_the_current_etag_is_412()
    {
        var company = await api.CreateCompanyAsync();
        var (before, etag) = await api.ReadCompanyAsync(company.Id);

        await (await api.Admin().PatchCompanyAsync(company.Id, new { name = "Weak" }, ifMatch: "W/" + etag))
            .ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "precondition.failed");

        await AssertUnchangedAsync(company.Id, before, etag);
    }

    [Fact]
    public async Task If_match_star_succeeds()
    {
        var company = await api.CreateCompanyAsync();

        var patched = await (await api.Admin().PatchCompanyAsync(company.Id, new { size = "medium" }, ifMatch: "*"))
            .ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("medium", (string?)patched["size"]);
    }

    [Fact]
    public async Task If_match_list_containing_the_current_etag_succeeds()
    {
        var company = await api.CreateCompanyAsync();
        var (_, etag) = await api.ReadCompanyAsync(company.Id);

        await (await api.Admin().PatchCompanyAsync(company.Id, new { name = "Listed" }, ifMatch: $"\"nope\", {etag}"))
            .ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Concurrent_patches_with_one_etag_let_exactly_one_win()
    {
        var company = await api.CreateCompanyAsync();
        var (_, etag) = await api.ReadCompanyAsync(company.Id);

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            api.Admin().PatchCompanyAsync(company.Id, new { name = $"Racer {i}" }, ifMatch: etag)));

        var winner = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        foreach (var response in responses.Where(r => r != winner))
            await response.ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "precondition.failed");
        var (read, _) = await api.ReadCompanyAsync(company.Id);
        Assert.Equal((string?)(await winner.ExpectAsync(HttpStatusCode.OK))["name"], (string?)read["name"]);
    }

    [Fact]
    public async Task Invalid_body_with_a_stale_if_match_is_400_before_412()
    {
        var company = await api.CreateCompanyAsync();
        await (await api.Admin().PatchCompanyAsync(company.Id, new { size = "huge" }, ifMatch: "\"stale\""))
            .ExpectOnlyFieldErrorAsync("size");
    }

    // ---- conflicts and content types ----

    [Fact]
    public async Task Tax_id_of_another_company_is_409_naming_tax_id_and_changes_nothing()
    {
        var company = await api.CreateCompanyAsync();
        var other = await api.CreateCompanyAsync();
        var (before, etag) = await api.ReadCompanyAsync(company.Id);

        var problem = await (await api.Admin().PatchCompanyAsync(company.Id, new { name = "Taken", taxId = other.TaxId }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "company.tax_id_taken");

        Assert.NotNull(problem["errors"]?["taxId"]);
        await AssertUnchangedAsync(company.Id, before, etag);
    }

    [Fact]
    public async Task Tax_id_of_another_company_with_a_stale_if_match_is_412_before_409()
    {
        var company = await api.CreateCompanyAsync();
        var other = await api.CreateCompanyAsync();
        await (await api.Admin().PatchCompanyAsync(company.Id, new { taxId = other.TaxId }, ifMatch: "\"stale\""))
            .ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "precondition.failed");
    }

    [Fact]
    public async Task Text_plain_is_415_and_changes_nothing()
    {
        var company = await api.CreateCompanyAsync();
        var (before, etag) = await api.ReadCompanyAsync(company.Id);

        await (await api.Admin().PatchCompanyAsync(company.Id, new { name = "Plain" }, contentType: "text/plain"))
            .ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType, "request.unsupported_media_type");
        await (await api.As(company.Key).PatchCompanyAsync(company.Id, new { name = "Plain" }, contentType: "text/plain"))
            .ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType, "request.unsupported_media_type");

        await AssertUnchangedAsync(company.Id, before, etag);
    }

    [Theory]
    [InlineData("application/merge-patch+json")]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    public async Task Merge_patch_and_plain_json_content_types_are_accepted(string contentType)
    {
        var company = await api.CreateCompanyAsync();
        var patched = await (await api.As(company.Key).PatchCompanyAsync(company.Id, new { name = "Typed" }, contentType: contentType))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Typed", (string?)patched["name"]);
    }

    // ---- inactive companies ----

    [Fact]
    public async Task Inactive_company_key_reads_but_cannot_patch_until_reactivated()
    {
        var company = await api.CreateCompanyAsync(certifications: ["ISO9001"]);
        var self = api.As(company.Key);
        await (await self.GetAsync($"{CompaniesPath}/{company.Id}")).ExpectAsync(HttpStatusCode.OK); // the key is now cached as active

        await (await api.Admin().PatchCompanyAsync(company.Id, new { active = false })).ExpectAsync(HttpStatusCode.OK);
        var (before, etag) = await api.ReadCompanyAsync(company.Id);
        var noOp = new { name = (string)before["name"]! };
        await PollUntilAsync(() => self.PatchCompanyAsync(company.Id, noOp), HttpStatusCode.Forbidden);

        await (await self.GetAsync($"{CompaniesPath}/{company.Id}")).ExpectAsync(HttpStatusCode.OK);
        await (await self.GetAsync(CompaniesPath)).ExpectAsync(HttpStatusCode.OK);
        await (await self.PatchCompanyAsync(company.Id, new { name = "Renamed while inactive" }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "company.inactive");
        await (await self.PatchCompanyAsync(company.Id, new { certifications = new[] { "ISO14001" } }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "company.inactive");
        await AssertUnchangedAsync(company.Id, before, etag);

        await (await api.Admin().PatchCompanyAsync(company.Id, new { active = true })).ExpectAsync(HttpStatusCode.OK);
        var renamed = await PollUntilAsync(() => self.PatchCompanyAsync(company.Id, new { name = "Renamed after reactivation" }),
            HttpStatusCode.OK);

        Assert.Equal("Renamed after reactivation", (string?)(await renamed.ExpectAsync(HttpStatusCode.OK))["name"]);
        var (read, _) = await api.ReadCompanyAsync(company.Id);
        Assert.Equal("Renamed after reactivation", (string?)read["name"]);
        Assert.True((bool)read["active"]!);
    }

    [Fact]
    public async Task Admin_still_patches_an_inactive_company()
    {
        var company = await api.CreateCompanyAsync();
        await (await api.Admin().PatchCompanyAsync(company.Id, new { active = false })).ExpectAsync(HttpStatusCode.OK);

        var patched = await (await api.Admin().PatchCompanyAsync(company.Id, new { name = "Renamed by admin" })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("Renamed by admin", (string?)patched["name"]);
        Assert.False((bool)patched["active"]!);
    }

    // ---- helpers ----

    /// The company reads exactly as before (every field, including updatedAt) with the same ETag.
    private async Task AssertUnchangedAsync(string id, JsonNode before, string etag)
    {
        var (after, etagAfter) = await api.ReadCompanyAsync(id);
        Assert.Equal(before.ToJsonString(), after.ToJsonString());
        Assert.Equal(etag, etagAfter);
    }

    /// Sends until the answer has this status (the key cache lasts up to 1 s), for at most 3 s.
    private static async Task<HttpResponseMessage> PollUntilAsync(Func<Task<HttpResponseMessage>> send, HttpStatusCode status)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var response = await send();
            if (response.StatusCode == status) return response;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3),
                $"Still {(int)response.StatusCode} after 3 s, expected {(int)status}: {await response.Content.ReadAsStringAsync()}");
            await Task.Delay(50);
        }
    }
}

public sealed class PatchCompanyTestsOnSqlite(SqliteApi api) : PatchCompanyTests(api), IClassFixture<SqliteApi>;
public sealed class PatchCompanyTestsOnPostgres(PostgresApi api) : PatchCompanyTests(api), IClassFixture<PostgresApi>;
