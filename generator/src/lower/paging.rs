//! Lower: consumes an operation's `x-pagination` extension and produces its IR paging, after
//! checking the parameters and response fields it names.

use super::Lowerer;
use crate::diagnostics::child;
use crate::ir::{Pagination, Param, ParamLocation, ResponseKind, Success, Ty, TypeKind};

impl<'a> Lowerer<'a> {
    pub(super) fn lower_pagination(
        &mut self,
        op: &openapiv3::Operation,
        at: &str,
        params: &[Param],
        success: &Success,
    ) -> Option<Pagination> {
        let ext = op.extensions.get("x-pagination")?;
        let ext_at = child(at, "x-pagination");
        let get = |key: &str| ext.get(key).and_then(|v| v.as_str()).map(str::to_string);
        let find_param = |api: &str| {
            params
                .iter()
                .find(|p| p.api_name == api && p.location == ParamLocation::Query)
        };
        let response_ty = match success {
            Success::Single {
                kind: ResponseKind::Json(t),
                ..
            } => t.clone(),
            _ => {
                self.diags.weakened(
                    &ext_at,
                    "paging needs a single JSON success response; `x-pagination` is ignored",
                );
                return None;
            }
        };
        match get("style").as_deref() {
            Some("offset") => {
                let (Some(limit), Some(offset)) = (get("limitParam"), get("offsetParam")) else {
                    self.diags.weakened(&ext_at, "offset paging needs `limitParam` and `offsetParam`; `x-pagination` is ignored");
                    return None;
                };
                let (Some(lp), Some(op_)) = (find_param(&limit), find_param(&offset)) else {
                    self.diags.weakened(&ext_at, format!("`x-pagination` names query parameters `{limit}` and `{offset}`, which the operation does not have"));
                    return None;
                };
                let item = match self.unalias(&response_ty) {
                    Ty::Vec(item) => *item,
                    _ => {
                        self.diags.weakened(
                            &ext_at,
                            "offset paging needs an array response; `x-pagination` is ignored",
                        );
                        return None;
                    }
                };
                if !matches!(
                    self.unalias(&lp.ty),
                    Ty::Int { .. } | Ty::Uint { .. } | Ty::Float { .. }
                ) {
                    self.diags.weakened(
                        &ext_at,
                        "offset paging needs a numeric limit parameter; `x-pagination` is ignored",
                    );
                    return None;
                }
                if !matches!(
                    self.unalias(&op_.ty),
                    Ty::Int { .. } | Ty::Uint { .. } | Ty::Float { .. }
                ) {
                    self.diags.weakened(
                        &ext_at,
                        "offset paging needs a numeric offset parameter; `x-pagination` is ignored",
                    );
                    return None;
                }
                Some(Pagination::Offset {
                    limit: lp.name.clone(),
                    limit_ty: self.unalias(&lp.ty),
                    offset: op_.name.clone(),
                    item,
                    offset_ty: self.unalias(&op_.ty),
                })
            }
            Some("cursor") => {
                let (Some(cursor_param), Some(cursor_field), Some(has_more), Some(items)) = (
                    get("cursorParam"),
                    get("cursorField"),
                    get("hasMoreField"),
                    get("itemsField"),
                ) else {
                    self.diags.weakened(&ext_at, "cursor paging needs `cursorParam`, `cursorField`, `hasMoreField` and `itemsField`; `x-pagination` is ignored");
                    return None;
                };
                let Some(cp) = find_param(&cursor_param) else {
                    self.diags.weakened(&ext_at, format!("`x-pagination` names query parameter `{cursor_param}`, which the operation does not have"));
                    return None;
                };
                let fields = match &response_ty {
                    Ty::Named(n) => match self.types.get(n).map(|t| &t.kind) {
                        Some(TypeKind::Struct { fields, .. }) => fields.clone(),
                        _ => Vec::new(),
                    },
                    _ => Vec::new(),
                };
                let field = |api: &str| fields.iter().find(|f| f.api_name == api).cloned();
                let (Some(cf), Some(hf), Some(itf)) =
                    (field(&cursor_field), field(&has_more), field(&items))
                else {
                    self.diags.weakened(&ext_at, "`x-pagination` names response fields the response object does not have; it is ignored");
                    return None;
                };
                let strip = |t: &Ty| match t {
                    Ty::Option(inner) => (*inner.clone(), true),
                    other => (other.clone(), false),
                };
                let (items_ty, items_optional) = strip(&itf.ty);
                let item = match self.unalias(&items_ty) {
                    Ty::Vec(item) => *item,
                    _ => {
                        self.diags.weakened(&ext_at, "the items field of cursor paging must be an array; `x-pagination` is ignored");
                        return None;
                    }
                };
                if cp.ty != Ty::String
                    || strip(&cf.ty).0 != Ty::String
                    || strip(&hf.ty).0 != Ty::Bool
                {
                    self.diags.weakened(&ext_at, "cursor paging needs a string cursor and a boolean has-more field; `x-pagination` is ignored");
                    return None;
                }
                Some(Pagination::Cursor {
                    cursor_param: cp.name.clone(),
                    cursor_field: cf.name.clone(),
                    has_more_field: hf.name.clone(),
                    items_field: itf.name.clone(),
                    cursor_optional: strip(&cf.ty).1,
                    has_more_optional: strip(&hf.ty).1,
                    items_optional,
                    item,
                })
            }
            other => {
                self.diags.weakened(
                    &ext_at,
                    format!("unknown paging style {other:?}; expected `offset` or `cursor`"),
                );
                None
            }
        }
    }
}
