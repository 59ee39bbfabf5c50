using Marketplace.Domain.Companies;

namespace Marketplace.Domain.Tests.Companies;

public sealed class CompanyRolesTests
{
    [Theory]
    [InlineData("anchor", CompanyRole.Anchor)]
    [InlineData("supplier", CompanyRole.Supplier)]
    [InlineData("wholesaler", CompanyRole.Wholesaler)]
    public void Lower_case_wire_name_parses_and_round_trips(string wire, CompanyRole expected)
    {
        Assert.True(CompanyRoles.TryParse(wire, out var role));
        Assert.Equal(expected, role);
        Assert.Equal(wire, CompanyRoles.ToWire(role));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Anchor")]
    [InlineData("ANCHOR")]
    [InlineData("sUpplier")]
    [InlineData(" anchor")]
    [InlineData("anchor ")]
    [InlineData("admin")]
    [InlineData("none")]
    [InlineData("None")]
    [InlineData("1")]
    [InlineData("anchor,supplier")]
    [InlineData("anchor, supplier")]
    public void Anything_but_an_exact_wire_name_is_rejected(string? wire)
    {
        Assert.False(CompanyRoles.TryParse(wire, out var role));
        Assert.Equal(CompanyRole.None, role);
    }

    [Theory]
    [InlineData(CompanyRole.None, new string[0])]
    [InlineData(CompanyRole.Supplier, new[] { "supplier" })]
    [InlineData(CompanyRole.Wholesaler | CompanyRole.Anchor, new[] { "anchor", "wholesaler" })]
    [InlineData(CompanyRole.Wholesaler | CompanyRole.Supplier, new[] { "supplier", "wholesaler" })]
    [InlineData(CompanyRoles.All, new[] { "anchor", "supplier", "wholesaler" })]
    public void Role_set_is_listed_in_wire_order(CompanyRole flags, string[] expected)
    {
        Assert.Equal(expected, CompanyRoles.ToWireList(flags));
    }

    [Theory]
    [InlineData(CompanyRole.None)]
    [InlineData(CompanyRole.Anchor | CompanyRole.Supplier)]
    [InlineData((CompanyRole)8)]
    public void Single_role_wire_name_requires_exactly_one_role(CompanyRole notSingle)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CompanyRoles.ToWire(notSingle));
    }

    [Fact]
    public void Role_set_with_unknown_bits_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CompanyRoles.ToWireList(CompanyRole.Anchor | (CompanyRole)8));
    }

    [Fact]
    public void All_is_every_company_role()
    {
        Assert.Equal(CompanyRole.Anchor | CompanyRole.Supplier | CompanyRole.Wholesaler, CompanyRoles.All);
        Assert.Equal(7, (int)CompanyRoles.All);
    }
}
