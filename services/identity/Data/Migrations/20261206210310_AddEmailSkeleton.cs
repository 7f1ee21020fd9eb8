using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EStore.Identity.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddEmailSkeleton : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "EmailSkeleton",
                table: "users",
                type: "character varying(1024)",
                maxLength: 1024,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_users_EmailSkeleton",
                table: "users",
                column: "EmailSkeleton",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_users_EmailSkeleton",
                table: "users");

            migrationBuilder.DropColumn(
                name: "EmailSkeleton",
                table: "users");
        }
    }
}
