import json

import pandas as pd
import streamlit as st

from dashboard.access import actor, require, user_file
from dashboard.state import language
from dashboard.ui import message, plain, table
from perfeval_core.auth.users import ROLE_LABELS, ROLES, AuthError, auth_config
from perfeval_core.present.i18n import t as translate
from perfeval_core.store.database import StoreError, get_store

lang = language()


def t(key: str, **params: object) -> str:
    return translate(key, lang, **params)


def role_label(role: str) -> str:
    return ROLE_LABELS[role][1 if lang == "en" else 0]


def audit(action: str, target: str, detail: str = "") -> None:
    try:
        get_store().log(actor(), action, target, detail)
    except StoreError as error:
        st.warning(message(t, "store_unavailable", error=str(error)), icon=":material/cloud_off:")


st.title(t("page_admin"))
require("manage_users", lang)
config = auth_config()
if config.mode == "off":
    st.info(t("admin_auth_off"), icon=":material/lock_open:")
users = user_file(config)
st.caption(message(t, "admin_file", path=str(users.path)))

st.subheader(t("admin_users"))
try:
    known = users.users()
except AuthError as error:
    st.error(plain(error), icon=":material/error:")
    known = {}
if known:
    table(pd.DataFrame({
        t("admin_user"): list(known),
        t("admin_display"): [e.get("name", "") for e in known.values()],
        t("admin_role"): [role_label(e["role"]) for e in known.values()],
        t("admin_kind"): [t("admin_kind_password") if e.get("password") else t("admin_kind_oidc") for e in known.values()],
    }))

c1, c2 = st.columns(2)
with c1.form("add_user", clear_on_submit=True):
    st.markdown(f"**{t('admin_add')}**")
    name = st.text_input(t("auth_username"), key="new_user", max_chars=100)
    display = st.text_input(t("admin_display"), key="new_display", max_chars=100)
    role = st.selectbox(t("admin_role"), ROLES, format_func=role_label, key="new_role")
    oidc_only = st.checkbox(t("admin_oidc_only"), key="new_oidc")
    password = st.text_input(t("auth_password"), type="password", key="new_password", max_chars=1024)
    if st.form_submit_button(t("admin_add"), icon=":material/person_add:"):
        try:
            users.add(name, role, None if oidc_only else password, display)
        except AuthError as error:
            st.error(plain(error))
        else:
            audit("add_user", f"user:{name.strip()}", json.dumps({'role': role}))
            st.toast(message(t, "admin_added", name=name.strip()), icon=":material/check:")
            st.rerun()

if known:
    with c2.form("change_user"):
        st.markdown(f"**{t('admin_change')}**")
        who = st.selectbox(t("admin_user"), list(known), key="edit_user")
        new_role = st.selectbox(t("admin_role"), ROLES, format_func=role_label, key="edit_role",
                                index=ROLES.index(known[who]["role"]) if who in known else 0)
        new_password = st.text_input(t("admin_new_password"), type="password", key="edit_password", max_chars=1024)
        remove = st.checkbox(t("admin_remove_user"), key="edit_remove")
        if st.form_submit_button(t("admin_apply"), icon=":material/manage_accounts:"):
            try:
                if remove:
                    users.remove(who)
                    audit("remove_user", f"user:{who}")
                    st.toast(message(t, "admin_removed", name=who))
                else:
                    if new_role != known[who]["role"]:
                        users.set_role(who, new_role)
                        audit("set_role", f"user:{who}", json.dumps({'role': new_role}))
                    if new_password:
                        users.set_password(who, new_password)
                        audit("set_password", f"user:{who}")
                    st.toast(message(t, "admin_changed", name=who))
            except AuthError as error:
                st.error(plain(error))
            else:
                st.rerun()

st.subheader(t("admin_audit"))
try:
    entries = get_store().audit_entries(limit=500)
except StoreError as error:
    st.warning(message(t, "store_unavailable", error=str(error)), icon=":material/cloud_off:")
    entries = []
if not entries:
    st.caption(t("admin_audit_empty"))
else:
    table(pd.DataFrame({
        t("admin_audit_at"): [e.at.astimezone().strftime("%Y-%m-%d %H:%M:%S") for e in entries],
        t("admin_audit_actor"): [e.actor or "—" for e in entries],
        t("admin_audit_action"): [e.action for e in entries],
        t("admin_audit_target"): [e.target for e in entries],
        t("admin_audit_detail"): [e.detail for e in entries],
    }), height=420)
