using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Http;

/// api.md "Conventions" and check-order steps 4 and 6 for JSON bodies: 415 for a wrong content
/// type, 413 over 1 MiB, 400 with `errors` for anything that is not one well-formed JSON object;
/// never a 500, and nothing written.
public abstract class RequestRulesTests(ApiFactory api)
{
    private const string ClustersPath = "/api/v1/clusters";
    private const string ValidCluster = """{"name":"Rules","regionCode":"RU-KLU","center":{"lat":54.5,"lon":36.25}}""";
    private const int OneMiB = 1 << 20;

    private static string Nested(int depth) =>
        new StringBuilder().Insert(0, "{\"a\":", depth).Append("1").Append('}', depth).ToString();

    public static TheoryData<string> MalformedBodies() => new()
    {
        """{"name":""",
        """{"name":"x",""",
        """{"name":"x"} trailing""",
        """{"name":"x"}{"name":"y"}""",
        """{"name":"x",}""",
        """{"name":"x" /* comment */}""",
        """{'name':'x'}""",
        """{name:"x"}""",
        "[]",
        "[" + ValidCluster + "]",
        "\"a string\"",
        "42",
        "true",
        "null",
        "",
        "   ",
        "\u00ff\u00fe",
        """{"name":""" + Nested(100) + ",\"regionCode\":\"RU-KLU\",\"center\":{\"lat\":1,\"lon\":1}}",
        """{"center":""" + Nested(1000) + "}",
        """{"name":"x","regionCode":"RU-KLU","center":{"lat":1,"lon":1,"x":""" + Nested(40) + "}}",
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task Malformed_json_is_400_with_errors(string body)
    {
        var before = await api.CountRowsAsync("clusters");
        var problem = await (await api.Admin().PostJsonAsync(ClustersPath, body))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.NotEmpty(problem["errors"]!.AsObject());
        Assert.Equal(before, await api.CountRowsAsync("clusters"));
    }

    [Fact]
    public async Task Invalid_utf8_is_400()
    {
        var before = await api.CountRowsAsync("clusters");
        var bytes = Encoding.UTF8.GetBytes(ValidCluster.Replace("Rules", "R#les"));
        bytes[Array.IndexOf(bytes, (byte)'#')] = 0xC3; // a lead byte without its continuation
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var problem = await (await api.Admin().PostAsync(ClustersPath, content))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.NotEmpty(problem["errors"]!.AsObject());
        Assert.Equal(before, await api.CountRowsAsync("clusters"));
    }

    [Fact]
    public async Task Duplicate_top_level_property_is_400_naming_it()
    {
        var before = await api.CountRowsAsync("clusters");
        var body = ValidCluster.Replace("{\"name\":\"Rules\"", "{\"name\":\"Rules\",\"name\":\"Other\"");
        await (await api.Admin().PostJsonAsync(ClustersPath, body)).ExpectFieldErrorAsync("name");
        Assert.Equal(before, await api.CountRowsAsync("clusters"));
    }

    [Fact]
    public async Task Duplicate_nested_property_is_400()
    {
        var before = await api.CountRowsAsync("clusters");
        var body = ValidCluster.Replace("\"lat\":54.5", "\"lat\":54.5,\"lat\":55.5");
        var problem = await (await api.Admin().PostJsonAsync(ClustersPath, body))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.NotEmpty(problem["errors"]!.AsObject());
        Assert.Equal(before, await api.CountRowsAsync("clusters"));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/json; charset=latin1")]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData("application/xml")]
    [InlineData("application/merge-patch+json")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("not a media type")]
    public async Task Wrong_content_type_is_415(string contentType)
    {
        var before = await api.CountRowsAsync("clusters");
        await (await SendWithContentTypeAsync(ValidCluster, contentType))
            .ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType, "request.unsupported_media_type");
        Assert.Equal(before, await api.CountRowsAsync("clusters"));
    }

    [Fact]
    public async Task Missing_content_type_is_415()
    {
        var before = await api.CountRowsAsync("clusters");
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(ValidCluster));
        Assert.Null(content.Headers.ContentType);
        await (await api.Admin().PostAsync(ClustersPath, content))
            .ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType, "request.unsupported_media_type");
        Assert.Equal(before, await api.CountRowsAsync("clusters"));
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json; charset=UTF-8")]
    [InlineData("Application/JSON")]
    public async Task Json_content_types_are_accepted(string contentType)
    {
        await (await SendWithContentTypeAsync(ValidCluster, contentType)).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Wrong_content_type_is_415_before_a_malformed_body_is_400()
    {
        await (await SendWithContentTypeAsync("""{"name":""", "text/plain"))
            .ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType, "request.unsupported_media_type");
    }

    [Fact]
    public async Task Body_over_one_mib_with_content_length_is_413()
    {
        var before = await api.CountRowsAsync("clusters");
        var content = new ByteArrayContent(OversizedCluster());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        Assert.NotNull(content.Headers.ContentLength);
        await (await api.Admin().PostAsync(ClustersPath, content))
            .ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge, "request.body_too_large");
        Assert.Equal(before, await api.CountRowsAsync("clusters"));
    }

    [Fact]
    public async Task Chunked_body_over_one_mib_is_413()
    {
        var before = await api.CountRowsAsync("clusters");
        var content = new StreamContent(new UnknownLengthStream(OversizedCluster()));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, ClustersPath) { Content = content };
        request.Headers.TransferEncodingChunked = true;
        await (await api.Admin().SendAsync(request))
            .ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge, "request.body_too_large");
        Assert.Equal(before, await api.CountRowsAsync("clusters"));
    }

    [Fact]
    public async Task Body_of_exactly_one_mib_is_not_413()
    {
        // The limit is "up to 1 MiB": a body of exactly 1 MiB is read (and here fails on its name's length).
        var prefix = """{"regionCode":"RU-KLU","center":{"lat":54.5,"lon":36.25},"name":" """.TrimEnd();
        var body = prefix + new string('x', OneMiB - prefix.Length - 2) + "\"}";
        Assert.Equal(OneMiB, Encoding.UTF8.GetByteCount(body));
        await (await api.Admin().PostJsonAsync(ClustersPath, body)).ExpectFieldErrorAsync("name");
    }

    [Fact]
    public async Task Unsupported_content_type_is_415_before_too_large_is_413()
    {
        var content = new ByteArrayContent(OversizedCluster());
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        await (await api.Admin().PostAsync(ClustersPath, content))
            .ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType, "request.unsupported_media_type");
    }

    [Fact]
    public async Task Malformed_body_on_api_keys_is_400_and_issues_nothing()
    {
        var company = await api.CreateCompanyAsync();
        var before = await api.CountRowsAsync("api_keys");
        foreach (var body in new[] { """{"x":""", "[]", "\"x\"", Nested(100) })
        {
            var problem = await (await api.Admin().PostJsonAsync($"/api/v1/companies/{company.Id}/api-keys", body))
                .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
            Assert.NotEmpty(problem["errors"]!.AsObject());
        }
        Assert.Equal(before, await api.CountRowsAsync("api_keys"));
    }

    [Fact]
    public async Task Oversized_body_on_api_keys_is_413_and_issues_nothing()
    {
        var company = await api.CreateCompanyAsync();
        var before = await api.CountRowsAsync("api_keys");
        var content = new StreamContent(new UnknownLengthStream(OversizedCluster()));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        await (await api.Admin().PostAsync($"/api/v1/companies/{company.Id}/api-keys", content))
            .ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge, "request.body_too_large");
        Assert.Equal(before, await api.CountRowsAsync("api_keys"));
    }

    private Task<HttpResponseMessage> SendWithContentTypeAsync(string body, string contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        Assert.True(content.Headers.TryAddWithoutValidation("Content-Type", contentType));
        return api.Admin().PostAsync(ClustersPath, content);
    }

    /// A valid cluster whose name makes the body 1 MiB + 1 KiB.
    private static byte[] OversizedCluster() =>
        Encoding.UTF8.GetBytes(ValidCluster.Replace("\"Rules\"", "\"" + new string('x', OneMiB + 1024) + "\""));

    /// A readable stream that does not tell its length, so the client sends it chunked.
    private sealed class UnknownLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }
    }
}

public sealed class RequestRulesTestsOnSqlite(SqliteApi api) : RequestRulesTests(api), IClassFixture<SqliteApi>;
public sealed class RequestRulesTestsOnPostgres(PostgresApi api) : RequestRulesTests(api), IClassFixture<PostgresApi>;
