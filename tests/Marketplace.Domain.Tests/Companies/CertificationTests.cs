using Marketplace.Domain.Companies;

namespace Marketplace.Domain.Tests.Companies;

public sealed class CertificationTests
{
    [Theory]
    [InlineData("ISO9001", "ISO9001")]
    [InlineData("iso9001", "ISO9001")]
    [InlineData("Iatf-16949", "IATF-16949")]
    [InlineData("gost_r.15", "GOST_R.15")]
    [InlineData("9", "9")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345")]
    public void Code_valid_after_upper_casing_normalizes_to_upper_case(string code, string normalized)
    {
        Assert.True(Certification.IsValid(code));
        Assert.Equal(normalized, Certification.Normalize(code));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("-ISO")]
    [InlineData(".ISO")]
    [InlineData("_ISO")]
    [InlineData("ISO 9001")]
    [InlineData(" ISO9001")]
    [InlineData("ISO9001\n")]
    [InlineData("ISO:9001")]
    [InlineData("ISO/9001")]
    [InlineData("ГОСТ")]
    [InlineData("ÄBC")]
    [InlineData("١٢٣")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456")]
    public void Code_not_matching_after_upper_casing_is_invalid(string? code)
    {
        Assert.False(Certification.IsValid(code));
    }
}
