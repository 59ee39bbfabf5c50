using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;
using static Marketplace.Api.Tests.Features.Needs.TenderScenario;

namespace Marketplace.Api.Tests.Features.Needs;

/// POST /needs: defaults, every validation rule naming its field, and who may post.
public abstract class CreateNeedTests(ApiFactory api)
{
    // ---- success and defaults ----

    [Fact]
    public async Task Create_with_only_required_fields_applies_every_default_and_answers_201_with_location_and_etag()
    {
        var anchor = await api.CreateAnchorAsync();
        var body = NeedBody(anchor.SiteId);
        body["unit"] = "pce";

        var response = await api.As(anchor.Key).PostJsonAsync(NeedsPath, body);
        var need = await response.ExpectAsync(HttpStatusCode.Created);

        var id = need.Id();
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", id);
        Assert.Equal($"/api/v1/needs/{id}", response.Headers.Location?.OriginalString);
        var etag = ETagOf(response);
        Assert.StartsWith("\"", etag); // strong
        Assert.Equal(anchor.Id, (string?)need["ownerId"]);
        Assert.Equal("Turned steel shafts", (string?)need["title"]);
        Assert.Equal("25.62.10", (string?)need["categoryCode"]);
        Assert.Equal(1000d, (double)need["quantityPerMonth"]!);
        Assert.Equal("PCE", (string?)need["unit"]);
        Assert.Empty(need["requiredCertifications"]!.AsArray());
        Assert.Equal(anchor.SiteId, (string?)need["deliverySiteId"]);
        Assert.Equal(0.3, (double)need["currentLocalShare"]!);
        Assert.Equal(0d, (double)need["minLocalShare"]!);
        Assert.Equal(1200000m, (decimal)need["annualValue"]!);
        Assert.Equal("RUB", (string?)need["currency"]);
        Assert.Equal("cluster", (string?)need["scope"]);
        Assert.Null(need["radiusKm"]);
        Assert.Null(need["weights"]);
        Assert.Null(need["proximityScaleKm"]);
        Assert.Equal("draft", (string?)need["status"]);
        Assert.Null(need["bidDeadline"]);
        Assert.Null(need["award"]);
        Assert.Null(need["cancelReason"]);
        Assert.EndsWith("Z", (string)need["createdAt"]!);
        Assert.Equal(api.Now(), Time(need["createdAt"]));
        foreach (var field in new[] { "radiusKm", "weights", "proximityScaleKm", "bidDeadline", "award", "cancelReason" })
            Assert.True(need.AsObject().ContainsKey(field), $"'{field}' is missing from the need (expected null).");

        var (read, readETag) = await api.As(anchor.Key).ReadNeedAsync(id);
        Assert.Equal(need.ToJsonString(), read.ToJsonString());
        Assert.Equal(etag, readETag);
        Assert.Equal(1L, await api.CountAsync("SELECT COUNT(*) FROM needs WHERE id = @id", new { id = Guid.Parse(id) }));
    }

    [Fact]
    public async Task Every_optional_field_is_stored_as_given_and_codes_are_upper_cased()
    {
        var anchor = await api.CreateAnchorAsync();
        var body = NeedBody(anchor.SiteId);
        body["unit"] = "kgm";
        body["requiredCertifications"] = new JsonArray("iso9001", "gost-r.1", "ISO14001");
        body["minLocalShare"] = 0.5;
        body["currency"] = "EUR";
        body["scope"] = "radius";
        body["radiusKm"] = 150;
        body["weights"] = new JsonObject { ["proximity"] = 0.2, ["capability"] = 0.5, ["localization"] = 0.3 };
        body["proximityScaleKm"] = 80;

        var response = await api.As(anchor.Key).PostJsonAsync(NeedsPath, body);
        var need = await response.ExpectAsync(HttpStatusCode.Created);

        Assert.Equal("KGM", (string?)need["unit"]);
        Assert.Equal(["GOST-R.1", "ISO14001", "ISO9001"], need["requiredCertifications"]!.AsArray().Select(c => (string)c!).Order(StringComparer.Ordinal));
        Assert.Equal(0.5, (double)need["minLocalShare"]!);
        Assert.Equal("EUR", (string?)need["currency"]);
        Assert.Equal("radius", (string?)need["scope"]);
        Assert.Equal(150d, (double)need["radiusKm"]!);
        Assert.Equal(0.2, (double)need["weights"]!["proximity"]!);
        Assert.Equal(0.5, (double)need["weights"]!["capability"]!);
        Assert.Equal(0.3, (double)need["weights"]!["localization"]!);
        Assert.Equal(80d, (double)need["proximityScaleKm"]!);
        var (read, etag) = await api.As(anchor.Key).ReadNeedAsync(need.Id());
        Assert.Equal(need.ToJsonString(), read.ToJsonString());
        Assert.Equal(ETagOf(response), etag);
    }

    [Theory]
    [InlineData("cluster")]
    [InlineData("region")]
    [InlineData("any")]
    public async Task Every_scope_other_than_radius_is_accepted_without_radius_km(string scope)
    {
        var anchor = await api.CreateAnchorAsync();
        var need = await api.CreateDraftAsync(anchor, b => b["scope"] = scope);
        Assert.Equal(scope, (string?)need["scope"]);
        Assert.Null(need["radiusKm"]);
    }

    [Theory]
    [InlineData("25.62")]
    [InlineData("25.62.1")]
    [InlineData("25.62.10")]
    [InlineData("25.62.10.110")]
    public async Task Every_category_code_level_is_accepted(string code)
    {
        var anchor = await api.CreateAnchorAsync();
        var need = await api.CreateDraftAsync(anchor, b => b["categoryCode"] = code);
        Assert.Equal(code, (string?)need["categoryCode"]);
    }

    [Fact]
    public async Task Boundary_values_are_accepted()
    {
        var anchor = await api.CreateAnchorAsync();
        var need = await api.CreateDraftAsync(anchor, b =>
        {
            b["title"] = new string('t', 300);
            b["currentLocalShare"] = 1;
            b["minLocalShare"] = 1;
            b["annualValue"] = 0;
            b["quantityPerMonth"] = 0.001;
            b["weights"] = new JsonObject { ["proximity"] = 0, ["capability"] = 0, ["localization"] = 1 };
        });
        Assert.Equal(new string('t', 300), (string?)need["title"]);
        Assert.Equal(1d, (double)need["currentLocalShare"]!);
        Assert.Equal(1d, (double)need["minLocalShare"]!);
        Assert.Equal(0m, (decimal)need["annualValue"]!);
        Assert.Equal(0.001, (double)need["quantityPerMonth"]!);
    }

    [Fact]
    public async Task Wholesaler_creates_and_owns_a_need()
    {
        var wholesaler = await api.CreateAnchorAsync(roles: ["wholesaler"]);
        var need = await api.CreateDraftAsync(wholesaler);
        Assert.Equal(wholesaler.Id, (string?)need["ownerId"]);
        Assert.Equal("draft", (string?)need["status"]);
    }

    [Fact]
    public async Task Anchor_that_is_also_a_supplier_creates_a_need()
    {
        var anchor = await api.CreateAnchorAsync(roles: ["anchor", "supplier"]);
        var need = await api.CreateDraftAsync(anchor);
        Assert.Equal(anchor.Id, (string?)need["ownerId"]);
    }

    // ---- validation: every rule names its field ----

    public static TheoryData<string, string?> InvalidFields => new()
    {
        // field, JSON value (null: the property is left out)
        { "title", null },
        { "title", "\"\"" },
        { "title", "\"   \"" },
        { "title", $"\"{new string('t', 301)}\"" },
        { "title", "5" },
        { "categoryCode", null },
        { "categoryCode", "\"25\"" },
        { "categoryCode", "\"25.6\"" },
        { "categoryCode", "\"25.62.\"" },
        { "categoryCode", "\"25.62.100\"" },
        { "categoryCode", "\"25.62.10.11\"" },
        { "categoryCode", "\"2a.62\"" },
        { "categoryCode", "\"25-62\"" },
        { "quantityPerMonth", null },
        { "quantityPerMonth", "0" },
        { "quantityPerMonth", "-5" },
        { "quantityPerMonth", "\"1000\"" },
        { "unit", null },
        { "unit", "\"XYZ\"" },
        { "unit", "\"\"" },
        { "requiredCertifications", "[\"-ISO\"]" },
        { "requiredCertifications", "\"ISO9001\"" },
        { "currentLocalShare", null },
        { "currentLocalShare", "-0.01" },
        { "currentLocalShare", "1.01" },
        { "minLocalShare", "-0.1" },
        { "minLocalShare", "1.5" },
        { "annualValue", null },
        { "annualValue", "-1" },
        { "currency", "\"XYZ\"" },
        { "currency", "\"RUBL\"" },
        { "currency", "\"\"" },
        { "scope", "\"city\"" },
        { "scope", "\"Cluster\"" },
        { "radiusKm", "10" },
        { "proximityScaleKm", "0" },
        { "proximityScaleKm", "-1" },
        { "deliverySiteId", null },
        { "deliverySiteId", "\"not-a-site\"" },
    };

    [Theory]
    [MemberData(nameof(InvalidFields))]
    public async Task Invalid_or_missing_field_is_400_naming_it_and_creates_nothing(string field, string? json)
    {
        var anchor = await api.CreateAnchorAsync();
        var body = NeedBody(anchor.SiteId).With(field, json);

        await (await api.As(anchor.Key).PostJsonAsync(NeedsPath, body)).ExpectFieldErrorAsync(field);

        Assert.Equal(0L, await OwnedNeedsAsync(anchor));
    }

    [Theory]
    [InlineData("cluster")]
    [InlineData("region")]
    [InlineData("any")]
    public async Task Radius_km_with_any_scope_but_radius_is_400(string scope)
    {
        var anchor = await api.CreateAnchorAsync();
        var body = NeedBody(anchor.SiteId);
        body["scope"] = scope;
        body["radiusKm"] = 25;

        await (await api.As(anchor.Key).PostJsonAsync(NeedsPath, body)).ExpectFieldErrorAsync("radiusKm");
        Assert.Equal(0L, await OwnedNeedsAsync(anchor));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("0")]
    [InlineData("-3")]
    public async Task Scope_radius_needs_a_positive_radius_km(string? radius)
    {
        var anchor = await api.CreateAnchorAsync();
        var body = NeedBody(anchor.SiteId).With("scope", "\"radius\"").With("radiusKm", radius);

        await (await api.As(anchor.Key).PostJsonAsync(NeedsPath, body)).ExpectFieldErrorAsync("radiusKm");
        Assert.Equal(0L, await OwnedNeedsAsync(anchor));
    }

    public static TheoryData<string, string> InvalidWeights => new()
    {
        // the field named, the weights JSON
        { "weights.localization", """{"proximity":0.5,"capability":0.5}""" },
        { "weights.proximity", """{"capability":0.5,"localization":0.5}""" },
        { "weights.capability", """{"proximity":0.5,"localization":0.5}""" },
        { "weights.proximity", """{"proximity":1.5,"capability":0.5,"localization":0.5}""" },
        { "weights.capability", """{"proximity":0.5,"capability":-0.1,"localization":0.5}""" },
        { "weights.localization", """{"proximity":0.5,"capability":0.5,"localization":2}""" },
        { "weights", """{"proximity":0,"capability":0,"localization":0}""" },
    };

    [Theory]
    [MemberData(nameof(InvalidWeights))]
    public async Task Weights_need_all_three_keys_each_in_0_1_and_not_all_0(string field, string weights)
    {
        var anchor = await api.CreateAnchorAsync();
        var body = NeedBody(anchor.SiteId).With("weights", weights);

        var problem = await (await api.As(anchor.Key).PostJsonAsync(NeedsPath, body)).ExpectFieldErrorAsync(field);

        Assert.All(problem["errors"]!.AsObject(), e => Assert.StartsWith("weights", e.Key));
        Assert.Equal(0L, await OwnedNeedsAsync(anchor));
    }

    [Fact]
    public async Task Unknown_key_in_weights_is_400()
    {
        var anchor = await api.CreateAnchorAsync();
        var body = NeedBody(anchor.SiteId)
            .With("weights", """{"proximity":0.5,"capability":0.3,"localization":0.2,"price":0.1}""");

        var problem = await (await api.As(anchor.Key).PostJsonAsync(NeedsPath, body))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");

        Assert.Contains(problem["errors"]!.AsObject(), e => e.Key.StartsWith("weights", StringComparison.Ordinal));
        Assert.Equal(0L, await OwnedNeedsAsync(anchor));
    }

    [Fact]
    public async Task Delivery_site_of_another_company_is_400_and_creates_nothing()
    {
        var anchor = await api.CreateAnchorAsync();
        var other = await api.CreateAnchorAsync();
        var supplier = await api.CreateSupplierAsync(anchor.ClusterId);

        foreach (var site in new[] { other.SiteId, supplier.SiteId, Guid.CreateVersion7().ToString() })
        {
            var body = NeedBody(site);
            await (await api.As(anchor.Key).PostJsonAsync(NeedsPath, body)).ExpectFieldErrorAsync("deliverySiteId");
        }

        Assert.Equal(0L, await OwnedNeedsAsync(anchor));
    }

    [Theory]
    [InlineData("id", "\"0195f0a4-0000-7000-8000-000000000001\"")]
    [InlineData("ownerId", "\"0195f0a4-0000-7000-8000-000000000001\"")]
    [InlineData("status", "\"open\"")]
    [InlineData("award", "null")]
    [InlineData("cancelReason", "\"x\"")]
    [InlineData("createdAt", "\"2026-03-02T09:00:00Z\"")]
    [InlineData("bidDeadline", "\"2026-04-02T09:00:00Z\"")]
    [InlineData("budget", "1")]
    public async Task Read_only_or_unknown_property_is_400_naming_it(string field, string json)
    {
        var anchor = await api.CreateAnchorAsync();
        var body = NeedBody(anchor.SiteId).With(field, json);

        var problem = await (await api.As(anchor.Key).PostJsonAsync(NeedsPath, body)).ExpectFieldErrorAsync(field);

        Assert.Equal([field], problem["errors"]!.AsObject().Select(e => e.Key));
        Assert.Equal(0L, await OwnedNeedsAsync(anchor));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{\"title\":")]
    [InlineData("null")]
    public async Task Body_that_is_not_a_json_object_is_400(string body)
    {
        var anchor = await api.CreateAnchorAsync();
        await (await api.As(anchor.Key).PostJsonAsync(NeedsPath, body)).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal(0L, await OwnedNeedsAsync(anchor));
    }

    [Fact]
    public async Task Text_plain_is_415()
    {
        var anchor = await api.CreateAnchorAsync();
        await (await api.As(anchor.Key).SendJsonAsync(HttpMethod.Post, NeedsPath, NeedBody(anchor.SiteId), "text/plain"))
            .ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType, "request.unsupported_media_type");
        Assert.Equal(0L, await OwnedNeedsAsync(anchor));
    }

    // ---- who may create ----

    [Fact]
    public async Task Supplier_only_company_is_403_role_required()
    {
        var supplier = await api.CreateSupplierAsync();
        await (await api.As(supplier.Key).PostJsonAsync(NeedsPath, NeedBody(supplier.SiteId)))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "company.role_required");
        Assert.Equal(0L, await api.CountAsync("SELECT COUNT(*) FROM needs WHERE owner_id = @id", new { id = Guid.Parse(supplier.Id) }));
    }

    [Fact]
    public async Task Supplier_only_company_with_an_invalid_body_is_still_403()
    {
        var supplier = await api.CreateSupplierAsync();
        await (await api.As(supplier.Key).PostJsonAsync(NeedsPath, new { title = "" }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "company.role_required");
    }

    [Fact]
    public async Task Admin_key_is_403()
    {
        var anchor = await api.CreateAnchorAsync();
        var response = await api.Admin().PostJsonAsync(NeedsPath, NeedBody(anchor.SiteId));
        await response.ExpectAsync(HttpStatusCode.Forbidden);
        Assert.Equal(0L, await OwnedNeedsAsync(anchor));
    }

    [Fact]
    public async Task Partner_acting_for_a_supplier_is_403_and_without_on_behalf_of_too()
    {
        var supplier = await api.CreateSupplierAsync();
        var partner = await api.CreatePartnerAsync();
        await api.GrantAsync(supplier.Company, partner);

        await (await api.AsPartner(partner, supplier.Id).PostJsonAsync(NeedsPath, NeedBody(supplier.SiteId)))
            .ExpectAsync(HttpStatusCode.Forbidden);
        await (await api.As(partner.Key).PostJsonAsync(NeedsPath, NeedBody(supplier.SiteId)))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "partner.on_behalf_required");
        Assert.Equal(0L, await api.CountAsync("SELECT COUNT(*) FROM needs WHERE owner_id = @id", new { id = Guid.Parse(supplier.Id) }));
    }

    [Fact]
    public async Task Without_a_key_is_401()
    {
        var anchor = await api.CreateAnchorAsync();
        await (await api.Anonymous().PostJsonAsync(NeedsPath, NeedBody(anchor.SiteId)))
            .ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.unauthenticated");
    }

    private Task<long> OwnedNeedsAsync(TestAnchor anchor) =>
        api.CountAsync("SELECT COUNT(*) FROM needs WHERE owner_id = @id", new { id = Guid.Parse(anchor.Id) });
}

public sealed class CreateNeedTestsOnSqlite(SqliteApi api) : CreateNeedTests(api), IClassFixture<SqliteApi>;
public sealed class CreateNeedTestsOnPostgres(PostgresApi api) : CreateNeedTests(api), IClassFixture<PostgresApi>;
