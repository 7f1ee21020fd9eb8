using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EStore.Product.Data.Migrations;

/// <inheritdoc />
public partial class ShopStatusAndNormalizedName : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        // Existing rows keep their meaning: the name is normalised, a suspended shop stays hidden.
        migrationBuilder.AddColumn<string>(
            name: "NormalizedName",
            table: "shops",
            type: "character varying(100)",
            maxLength: 100,
            nullable: false,
            defaultValue: "");

        migrationBuilder.AddColumn<string>(
            name: "Status",
            table: "shops",
            type: "character varying(16)",
            maxLength: 16,
            nullable: false,
            defaultValue: "Active");

        migrationBuilder.Sql("UPDATE shops SET \"NormalizedName\" = upper(btrim(\"Name\")), \"Status\" = CASE WHEN \"Suspended\" THEN 'Suspended' ELSE 'Active' END;");

        migrationBuilder.DropColumn(
            name: "Suspended",
            table: "shops");
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<bool>(
            name: "Suspended",
            table: "shops",
            type: "boolean",
            nullable: false,
            defaultValue: false);

        // Pending shops were visible before statuses came: only suspended and closed ones stay hidden.
        migrationBuilder.Sql("UPDATE shops SET \"Suspended\" = \"Status\" IN ('Suspended', 'Closed');");

        migrationBuilder.DropColumn(
            name: "NormalizedName",
            table: "shops");

        migrationBuilder.DropColumn(
            name: "Status",
            table: "shops");
    }
}
