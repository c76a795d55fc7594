"""User accounts and roles."""

from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.passwords import hash_password, needs_rehash, verify_password
from consult.core import pagecache
from consult.core.db_setup import TimestampMixin
from consult.extensions import db

KIND_CITIZEN = "citizen"
KIND_BUSINESS = "business"
ACCOUNT_KINDS = {KIND_CITIZEN: "Công dân", KIND_BUSINESS: "Doanh nghiệp / tổ chức"}

ROLE_USER = "user"
ROLE_AGENCY = "agency"
ROLE_MODERATOR = "moderator"
ROLE_ADMIN = "admin"
ROLES = {
    ROLE_USER: "Người dùng",
    ROLE_AGENCY: "Cán bộ cơ quan soạn thảo",
    ROLE_MODERATOR: "Kiểm duyệt viên",
    ROLE_ADMIN: "Quản trị viên",
}

PROVINCES = (
    "An Giang", "Bắc Ninh", "Cà Mau", "Cao Bằng", "Cần Thơ", "Đà Nẵng", "Đắk Lắk", "Điện Biên",
    "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Nội", "Hà Tĩnh", "Hải Phòng", "Hưng Yên", "Huế",
    "Khánh Hòa", "Lai Châu", "Lạng Sơn", "Lào Cai", "Lâm Đồng", "Nghệ An", "Ninh Bình",
    "Phú Thọ", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sơn La", "Tây Ninh", "Thái Nguyên",
    "Thanh Hóa", "TP. Hồ Chí Minh", "Tuyên Quang", "Vĩnh Long",
)


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    display_name: Mapped[str] = mapped_column(String(120), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default=KIND_CITIZEN)
    organisation_name: Mapped[str | None] = mapped_column(String(200))
    tax_code: Mapped[str | None] = mapped_column(String(14))
    province: Mapped[str | None] = mapped_column(String(60))
    role: Mapped[str] = mapped_column(String(20), nullable=False, default=ROLE_USER, index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    is_blocked: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Set by a moderator's "block author": the user's new comments wait for review.
    comments_held: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    agency = relationship("Agency", back_populates="staff")

    @property
    def cache_generations(self):
        """The cached pages a change of this row makes old (consult.core.pagecache): those
        showing the user's name, when it changed (a rename, a closed account)."""
        return pagecache.names_changed(
            self, ("display_name", "kind", "organisation_name", "deleted_at"))

    def set_password(self, password):
        self.password_hash = hash_password(password, _hash_method())

    def check_password(self, password):
        return verify_password(self.password_hash, password)

    def password_needs_rehash(self):
        """Whether the stored hash is of an older kind than the site makes now."""
        return needs_rehash(self.password_hash, _hash_method())

    @property
    def is_active(self):
        """Blocked accounts cannot log in (Flask-Login checks this)."""
        return not self.is_blocked

    @property
    def is_business(self):
        return self.kind == KIND_BUSINESS

    @property
    def is_admin(self):
        return self.role == ROLE_ADMIN

    @property
    def is_moderator(self):
        return self.role in (ROLE_MODERATOR, ROLE_ADMIN)

    def is_staff_of(self, agency_id):
        """True for agency staff attached to ``agency_id`` (admins are not staff)."""
        return self.role == ROLE_AGENCY and self.agency_id is not None and (
            self.agency_id == agency_id
        )

    @property
    def public_name(self):
        """Name shown next to comments: the organisation for businesses."""
        return self.format_public_name(self.display_name, self.kind, self.organisation_name,
                                       self.deleted_at)

    @staticmethod
    def format_public_name(display_name, kind, organisation_name, deleted_at):
        """``public_name`` from plain column values (bulk exports read columns, not objects)."""
        if deleted_at is not None:
            return display_name
        if kind == KIND_BUSINESS and organisation_name:
            return f"{organisation_name} ({display_name})"
        return display_name

    def __repr__(self):
        return f"<User {self.id} {self.role}>"


def _hash_method():
    return current_app.config["CONSULT_PASSWORD_HASH_METHOD"]
